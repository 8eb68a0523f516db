import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, reapLeftovers } from '@zerochat/local-services';
import { type FunctionProcess, startFunctionProcess } from './function-process.ts';
import { testServices } from './test-services.ts';
import { waitFor } from './wait-for.ts';

export interface OneProcess {
  process: FunctionProcess;
  baseUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * `npm start` (local/start.ts) on a free port with a data folder of its own, using the run's
 * FerretDB (a database of its own) and Ollama, the tiny model as the base model. Resolves once
 * the banner is printed: bootstrap done, the page built.
 */
export async function startOneProcess(options: {
  database: string;
  env?: Record<string, string>;
}): Promise<OneProcess> {
  const { mongoUri, ollamaHost, tinyModel, cacheDir, scratchDir } = testServices();
  const dataDir = join(await mkdtemp(join(scratchDir, 'one-process-')), '.data');
  const process = await startFunctionProcess(join(REPO_ROOT, 'local/start.ts'), {
    LOG_LEVEL: 'info',
    ZEROCHAT_DATA_DIR: dataDir,
    ZEROCHAT_CACHE_DIR: cacheDir,
    MONGODB_URI: mongoUri,
    MONGODB_DB: options.database,
    OLLAMA_HOST: ollamaHost,
    ZEROCHAT_BASE_MODEL: tinyModel,
    ...options.env,
  }).catch(async (error: unknown) => {
    await reapLeftovers(join(dataDir, 'run'));
    throw error;
  });
  await waitFor(async () => process.stderr.includes('Ctrl-C stops zerochat'), 60_000);
  return {
    process,
    baseUrl: process.baseUrl,
    dataDir,
    async stop() {
      await process.stop('SIGTERM');
      await reapLeftovers(join(dataDir, 'run'));
    },
  };
}
