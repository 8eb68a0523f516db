// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { randomBytes } from 'node:crypto';
import { rehearsalUserDocuments } from '@zerochat/accounts';
import { parseModelfile } from '@zerochat/ollama';
// Bundled as text by esbuild, so the image needs no file next to server.js. (Run from source,
// Node needs --experimental-import-text for it.)
import modelfileText from '@zerochat/ollama/Modelfile' with { type: 'text' };
import { type RunningFunction, readConfigOrExit, runFunction, type StartupFacts } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { adminConfigSchema } from './config.ts';

export function main(startup?: StartupFacts): Promise<RunningFunction> {
  const config = readConfigOrExit('admin', adminConfigSchema);
  const modelfile = parseModelfile(modelfileText);
  return runFunction({
    name: 'admin',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo, modelfile }),
    startup,
  });
}

/** What a first client asks, rehearsed when the bundle is built (see @zerochat/runtime/rehearsal). */
export const rehearse = async () =>
  (await import('@zerochat/runtime/rehearsal')).rehearseColdStart({
    main: () => {
      // The rehearsal's environment is the runtime's; the events secret is admin's own.
      process.env.ADMIN_EVENTS_SECRET = randomBytes(32).toString('base64url');
      return main();
    },
    documents: rehearsalUserDocuments,
    requests: ({ bearer }) => [{ method: 'GET', path: '/admin/status', headers: bearer }],
  });

if (import.meta.main) await main();
