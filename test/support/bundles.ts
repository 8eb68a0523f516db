import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@zerochat/local-services';
import { testServices } from './test-services.ts';

const run = promisify(execFile);
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The production bundle of a function (`functions/<name>/dist/server.js` as `npm run build`
 * makes it), built once per test run into the run's scratch folder and shared by every test
 * file that starts the function as a process. A developer's own dist/ stays untouched.
 */
export async function functionBundle(name: 'auth' | 'chat' | 'admin' | 'web'): Promise<string> {
  const dir = join(testServices().scratchDir, 'bundles', name);
  const bundle = join(dir, 'server.js');
  const lock = `${dir}.building`;
  await mkdir(join(dir, '..'), { recursive: true });
  for (;;) {
    if (await exists(bundle)) return bundle;
    try {
      // mkdir is atomic: the file that makes the lock builds, the others wait for the result.
      await mkdir(lock, { recursive: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await sleep(100);
      continue;
    }
    try {
      const partial = `${dir}.${process.pid}`;
      await run(process.execPath, [
        join(REPO_ROOT, 'tools/bundle-function.ts'),
        join(REPO_ROOT, 'functions', name),
        partial,
      ]);
      await rename(partial, dir);
      return bundle;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
