import { join } from 'node:path';
import { registerGguf, TINY_MODEL_NAME, TINY_MODEL_TEMPLATE, tinyModelGguf } from '@zerochat/ollama';
import { MongoClient } from 'mongodb';
import { createFerretDb } from './ferretdb.ts';
import { findOnPath } from './find-binary.ts';
import { ensureFerretDb, ensureOllama, FERRETDB_VERSION } from './go-build.ts';
import { createOllamaServer } from './ollama-server.ts';
import { reapLeftovers } from './service-process.ts';

export interface ProvideServicesOptions {
  /** MONGODB_URI and OLLAMA_HOST, when set, are used instead of starting servers. */
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  /** Data of the servers started here. */
  dataDir: string;
  report: (line: string) => void;
}

export interface ProvidedServices {
  mongoUri: string;
  ollamaHost: string;
  tinyModel: string;
  registryDir: string;
  /** Stops what was started here, by pid. */
  stop(): Promise<void>;
}

/**
 * MongoDB and Ollama for tests and benchmarks: the ones named in the environment, or a
 * FerretDB and an Ollama started on loopback (built once from their Go modules). The tiny
 * model is registered either way. Reports one line per service saying what it uses.
 */
export async function provideServices(options: ProvideServicesOptions): Promise<ProvidedServices> {
  const { env, cacheDir, dataDir, report } = options;
  const registryDir = join(cacheDir, 'run');
  const reaped = await reapLeftovers(registryDir);
  if (reaped) report(`stopped ${reaped} service process(es) left over from an earlier run`);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };

  try {
    let mongoUri = env.MONGODB_URI;
    if (mongoUri) {
      report(`MongoDB: ${await describeMongo(mongoUri)} at ${redact(mongoUri)} (from MONGODB_URI)`);
    } else {
      const binary = await ensureFerretDb({ cacheDir, report });
      const ferretdb = await createFerretDb({ binary, dataDir: join(dataDir, 'ferretdb'), registryDir });
      await ferretdb.start();
      stops.push(() => ferretdb.stop());
      mongoUri = ferretdb.uri;
      report(`MongoDB: started FerretDB ${FERRETDB_VERSION} (SQLite) at ${mongoUri}, pid ${ferretdb.pid}`);
    }

    let ollamaHost = env.OLLAMA_HOST;
    let origin = '(from OLLAMA_HOST)';
    if (ollamaHost) {
      if (!/^https?:\/\//.test(ollamaHost)) ollamaHost = `http://${ollamaHost}`;
    } else {
      const binary = (await findOnPath('ollama')) ?? (await ensureOllama({ cacheDir, report }));
      const ollama = await createOllamaServer({ binary, dataDir: join(dataDir, 'ollama'), registryDir });
      await ollama.start();
      stops.push(() => ollama.stop());
      ollamaHost = ollama.host;
      origin = `started from ${binary}, pid ${ollama.pid}`;
    }
    const { version } = (await (await fetch(`${ollamaHost}/api/version`)).json()) as { version: string };
    await registerGguf({
      host: ollamaHost,
      model: TINY_MODEL_NAME,
      gguf: tinyModelGguf(),
      template: TINY_MODEL_TEMPLATE,
    });
    report(`Ollama: ${version} at ${ollamaHost} ${origin}; model ${TINY_MODEL_NAME} registered from its GGUF file`);
    return { mongoUri, ollamaHost, tinyModel: TINY_MODEL_NAME, registryDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const redact = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');

async function describeMongo(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
  } finally {
    await client.close();
  }
}
