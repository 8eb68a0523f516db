// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import {
  type RunningFunction,
  readConfigOrExit,
  rehearseColdStart,
  runFunction,
  type StartupFacts,
} from '@zerochat/runtime';
import { createApp } from './app.ts';
import { authConfigSchema } from './config.ts';

export function main(startup?: StartupFacts): Promise<RunningFunction> {
  const config = readConfigOrExit('auth', authConfigSchema);
  return runFunction({
    name: 'auth',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
    ...(startup ? { startup } : {}),
  });
}

/** What a first client asks, rehearsed when the bundle is built to warm its code cache. */
export const rehearse = () =>
  rehearseColdStart(main, ({ bearer }) => [
    { method: 'GET', path: '/auth/me', headers: bearer('user') },
    { method: 'POST', path: '/auth/login', body: { email: 'rehearsal@example.com', password: 'rehearsal-password' } },
  ]);

if (import.meta.main) await main();
