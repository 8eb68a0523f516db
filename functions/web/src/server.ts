// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts, with WEB_ASSETS_DIR set to a built
// page) or by the bundle's dist/server.js.
import { dirname, join, resolve } from 'node:path';
import { type RunningFunction, readConfigOrExit, runStatelessFunction, type StartupFacts } from '@zerochat/runtime';
import type { RehearsalRequest } from '@zerochat/runtime/rehearsal';
import { createApp } from './app.ts';
import { builtPageDirectory, webConfigSchema } from './config.ts';
import { loadPageAssets } from './page-assets.ts';

export async function main(startup?: StartupFacts): Promise<RunningFunction> {
  // By default the page that `npm run build` put beside the bundle's server.js.
  const besideBundle = join(dirname(resolve(process.argv[1] ?? '.')), 'public');
  const config = readConfigOrExit('web', webConfigSchema.extend({ WEB_ASSETS_DIR: builtPageDirectory }), {
    env: { ...process.env, WEB_ASSETS_DIR: process.env.WEB_ASSETS_DIR || besideBundle },
  });
  const assets = await loadPageAssets(resolve(config.WEB_ASSETS_DIR));
  return runStatelessFunction({
    name: 'web',
    config,
    build: ({ log, lifecycle }) => createApp({ assets, log, lifecycle }),
    startup,
  });
}

/**
 * What a first browser asks, rehearsed when the bundle is built to warm its code cache. The
 * rehearsal (with its stand-in MongoDB) is imported only then: web itself needs no database
 * driver, and the bundle keeps it in a file of its own (tools/bundle-function.ts).
 */
export const rehearse = async () =>
  (await import('@zerochat/runtime/rehearsal')).rehearseColdStart({
    main,
    requests: (): RehearsalRequest[] => [
      { method: 'GET', path: '/', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } },
      { method: 'GET', path: '/c/000000000000000000000001', headers: { 'if-none-match': '"rehearsal"' } },
      { method: 'GET', path: '/assets/rehearsal.js' },
    ],
  });

if (import.meta.main) await main();
