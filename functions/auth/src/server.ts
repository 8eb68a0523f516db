// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { authConfigSchema } from './config.ts';

export async function main(): Promise<void> {
  const config = readConfigOrExit('auth', authConfigSchema);
  await runFunction({
    name: 'auth',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
  });
}

if (import.meta.main) await main();
