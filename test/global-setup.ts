// Starts the real services every integration test talks to (or takes them from the
// environment), prints what it started, and stops what it started when the run ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cacheDir,
  createFerretDb,
  createOllamaServer,
  ensureFerretDb,
  ensureOllama,
  FERRETDB_VERSION,
  findOnPath,
  MissingToolError,
  reapLeftovers,
} from '@zerochat/local-services';
import { registerGguf, TINY_MODEL_NAME, TINY_MODEL_TEMPLATE, tinyModelGguf } from '@zerochat/ollama';
import { MongoClient } from 'mongodb';
import type { TestProject } from 'vitest/node';

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

const report = (line: string) => process.stdout.write(`[test services] ${line}\n`);

async function describeMongo(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
  } finally {
    await client.close();
  }
}

const redact = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');

export default async function setup(project: TestProject) {
  const cache = cacheDir();
  const registryDir = join(cache, 'run');
  const reaped = await reapLeftovers(registryDir);
  if (reaped) report(`stopped ${reaped} service process(es) left over from an earlier run`);
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-test-'));
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(scratch, { recursive: true, force: true });
  };

  try {
    let mongoUri = process.env.MONGODB_URI;
    if (mongoUri) {
      report(`MongoDB: ${await describeMongo(mongoUri)} at ${redact(mongoUri)} (from MONGODB_URI)`);
    } else {
      const binary = await ensureFerretDb({ cacheDir: cache, report });
      const ferretdb = await createFerretDb({ binary, dataDir: join(scratch, 'ferretdb'), registryDir });
      await ferretdb.start();
      stops.push(() => ferretdb.stop());
      mongoUri = ferretdb.uri;
      report(`MongoDB: started FerretDB ${FERRETDB_VERSION} (SQLite) at ${mongoUri}, pid ${ferretdb.pid}`);
    }

    let ollamaHost = process.env.OLLAMA_HOST;
    if (ollamaHost) {
      if (!/^https?:\/\//.test(ollamaHost)) ollamaHost = `http://${ollamaHost}`;
      report(`Ollama: ${ollamaHost} (from OLLAMA_HOST)`);
    } else {
      const binary = (await findOnPath('ollama')) ?? (await ensureOllama({ cacheDir: cache, report }));
      const ollama = await createOllamaServer({ binary, dataDir: join(scratch, 'ollama'), registryDir });
      await ollama.start();
      stops.push(() => ollama.stop());
      ollamaHost = ollama.host;
    }
    const { version } = (await (await fetch(`${ollamaHost}/api/version`)).json()) as { version: string };
    await registerGguf({
      host: ollamaHost,
      model: TINY_MODEL_NAME,
      gguf: tinyModelGguf(),
      template: TINY_MODEL_TEMPLATE,
    });
    report(`Ollama: ${version} at ${ollamaHost}, model ${TINY_MODEL_NAME} registered from its GGUF file`);

    project.provide('mongoUri', mongoUri);
    project.provide('ollamaHost', ollamaHost);
    project.provide('tinyModel', TINY_MODEL_NAME);
    project.provide('cacheDir', cache);
    project.provide('registryDir', registryDir);
    project.provide('scratchDir', scratch);
  } catch (error) {
    await stopAll();
    if (error instanceof MissingToolError) {
      // One line that says what to do, not a stack trace.
      process.stderr.write(`[test services] ${error.message}\n`);
      error.stack = error.message;
    }
    throw error;
  }

  return async () => {
    await stopAll();
  };
}
