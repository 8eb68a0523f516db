// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { type RunningFunction, readConfigOrExit, runFunction, type StartupFacts } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { chatConfigSchema } from './config.ts';
import { createModelServer } from './model-server.ts';

export function main(startup?: StartupFacts): Promise<RunningFunction> {
  const config = readConfigOrExit('chat', chatConfigSchema);
  const models = createModelServer({ host: config.OLLAMA_HOST });

  return runFunction({
    name: 'chat',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo, models }),
    startup,
  });
}

/** What a first client asks, rehearsed when the bundle is built (see @zerochat/runtime/rehearsal). */
export const rehearse = async () =>
  (await import('@zerochat/runtime/rehearsal')).rehearseColdStart({
    main,
    requests: ({ bearer }) => [
      { method: 'GET', path: '/chat/conversations', headers: bearer },
      { method: 'POST', path: '/chat/conversations', headers: bearer, body: { title: 'Rehearsal' } },
    ],
  });

if (import.meta.main) await main();
