// Starts the real services every integration test talks to (or takes them from the
// environment), prints what it started, and stops what it started when the run ends.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, MissingToolError, provideServices } from '@zerochat/local-services';
import type { TestProject } from 'vitest/node';
import { prebuildTools } from './support/prebuild-tools.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    ollamaHost: string;
    tinyModel: string;
    /** For tests that start (and stop) services of their own. */
    cacheDir: string;
    registryDir: string;
    scratchDir: string;
  }
}

export default async function setup(project: TestProject) {
  const cache = cacheDir();
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-test-'));
  try {
    const report = (line: string) => process.stdout.write(`[test services] ${line}\n`);
    const [provided, built] = await Promise.allSettled([
      provideServices({ env: process.env, cacheDir: cache, dataDir: scratch, report }),
      prebuildTools(cache, report),
    ]);
    if (provided.status === 'rejected') throw provided.reason;
    const services = provided.value;
    if (built.status === 'rejected') {
      await services.stop();
      throw built.reason;
    }
    project.provide('mongoUri', services.mongoUri);
    project.provide('ollamaHost', services.ollamaHost);
    project.provide('tinyModel', services.tinyModel);
    project.provide('cacheDir', cache);
    project.provide('registryDir', services.registryDir);
    project.provide('scratchDir', scratch);
    return async () => {
      await services.stop();
      // The services' own logs outlive the run, for a failure to be looked into afterwards.
      await cp(scratch, join(cache, 'last-run'), {
        recursive: true,
        force: true,
        filter: (source) => !source.includes('/models') && !/\.(sqlite|db)(-\w+)?$/.test(source),
      }).catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    if (error instanceof MissingToolError) {
      // One line that says what to do, not a stack trace.
      process.stderr.write(`[test services] ${error.message}\n`);
      error.stack = error.message;
    }
    throw error;
  }
}
