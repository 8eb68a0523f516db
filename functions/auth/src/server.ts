// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { rehearsalUserDocuments } from '@zerochat/accounts';
import { type RunningFunction, readConfigOrExit, runFunction, type StartupFacts } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { authConfigSchema } from './config.ts';

export function main(startup?: StartupFacts): Promise<RunningFunction> {
  const config = readConfigOrExit('auth', authConfigSchema);
  return runFunction({
    name: 'auth',
    config,
    build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
    startup,
  });
}

/** What a first client asks, rehearsed when the bundle is built (see @zerochat/runtime/rehearsal). */
export const rehearse = async () =>
  (await import('@zerochat/runtime/rehearsal')).rehearseColdStart({
    main,
    documents: rehearsalUserDocuments,
    requests: ({ account, bearer }) => [
      { method: 'GET', path: '/auth/me', headers: bearer },
      { method: 'POST', path: '/auth/login', body: { email: account.email, password: account.password } },
    ],
  });

if (import.meta.main) await main();
