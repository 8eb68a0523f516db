// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { parseModelfile } from '@zerochat/ollama';
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
// Bundled as text by esbuild, so the image needs no file next to server.js. (Run from source,
// Node needs --experimental-import-text for it.)
import modelfileText from '../../../ollama/Modelfile' with { type: 'text' };
import { createApp } from './app.ts';
import { adminConfigSchema } from './config.ts';

export async function main(): Promise<void> {
  const config = readConfigOrExit('admin', adminConfigSchema);
  const modelfile = parseModelfile(modelfileText);
  await runFunction({
    name: 'admin',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo, modelfile }),
  });
}

if (import.meta.main) await main();
