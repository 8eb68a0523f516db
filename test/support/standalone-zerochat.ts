import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, provideServices, REPO_ROOT } from '@zerochat/local-services';
import { type Db, MongoClient } from 'mongodb';
import { type FunctionProcess, startFunctionProcess } from './function-process.ts';
import { apiClient } from './http-client.ts';
import { waitFor } from './wait-for.ts';

export interface StandaloneZerochat {
  baseUrl: string;
  /** The first admin's credentials, from the data folder. */
  admin: { email: string; password: string };
  /** An access token of the first admin. */
  adminToken: string;
  db: Db;
  process: FunctionProcess;
  stop(): Promise<void>;
}

/**
 * For scripts outside the test run (screenshots, the page benchmark): FerretDB and Ollama
 * started as the tests start them, in a temporary folder, and zerochat on them as `npm start`
 * runs it, with `env` added. Everything is stopped and removed by `stop()`.
 */
export async function startStandaloneZerochat(options: {
  report: (line: string) => void;
  env?: Record<string, string>;
}): Promise<StandaloneZerochat> {
  const database = 'standalone';
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-standalone-'));
  const services = await provideServices({
    env: process.env,
    cacheDir: cacheDir(),
    dataDir: scratch,
    registryDir: join(scratch, 'run'),
    report: options.report,
  });
  const dataDir = join(scratch, '.data');
  const mongo = new MongoClient(services.mongoUri);
  let zerochat: FunctionProcess | undefined;
  const stop = async () => {
    await zerochat?.stop('SIGTERM');
    await mongo.close();
    await services.stop();
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    zerochat = await startFunctionProcess(join(REPO_ROOT, 'local/start.ts'), {
      LOG_LEVEL: 'info',
      ZEROCHAT_DATA_DIR: dataDir,
      ZEROCHAT_CACHE_DIR: cacheDir(),
      MONGODB_URI: services.mongoUri,
      MONGODB_DB: database,
      OLLAMA_HOST: services.ollamaHost,
      ZEROCHAT_BASE_MODEL: services.tinyModel,
      ...options.env,
    });
    const started = zerochat;
    await waitFor(async () => started.stderr.includes('Ctrl-C stops zerochat'), 120_000);
    const admin = JSON.parse(await readFile(join(dataDir, 'admin.json'), 'utf8')) as {
      email: string;
      password: string;
    };
    const login = await apiClient(started.baseUrl).json<{ accessToken: string }>('POST', '/auth/login', {
      body: admin,
    });
    return {
      baseUrl: started.baseUrl,
      admin,
      adminToken: login.body.accessToken,
      db: mongo.db(database),
      process: started,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
