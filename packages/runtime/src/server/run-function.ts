import type { EnvConfig, mongoEnv, serverEnv } from '../config/env.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { connectMongo, type Mongo } from '../mongo/connect-mongo.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';
import { type RunningFunction, type ServeFunctionOptions, type StartupFacts, serveFunction } from './serve-function.ts';

/** The config fields of serverEnv that starting a function reads, as its schema gives them. */
export type ServerConfig = Pick<EnvConfig<typeof serverEnv>, 'PORT' | 'HOST' | 'LOG_LEVEL' | 'SHUTDOWN_GRACE_MS'>;

/** The config fields every function with a database has (serverEnv and mongoEnv). */
export type FunctionConfig = ServerConfig & EnvConfig<typeof mongoEnv>;

export interface FunctionContext {
  log: Logger;
  lifecycle: Lifecycle;
  mongo: Mongo;
}

export interface RunFunctionOptions<C extends FunctionConfig> {
  name: string;
  config: C;
  /** Builds the app from the shared dependencies; `close` runs after the last request. */
  build(context: FunctionContext): {
    fetch: (request: Request, env: object) => Response | Promise<Response>;
    close?: () => Promise<void>;
  };
  startup?: StartupFacts | undefined;
}

/**
 * What every entry file does: logger, MongoDB client, app, listen, graceful shutdown.
 * The connection to MongoDB is started first but never waited for: its round trips overlap
 * building the app and opening the socket, and the function listens (and answers liveness
 * probes) before MongoDB has answered.
 */
export async function runFunction<C extends FunctionConfig>(options: RunFunctionOptions<C>): Promise<RunningFunction> {
  const { config, name } = options;
  const log = functionLogger(name, config);
  const lifecycle = createLifecycle();
  const mongo = connectMongo({
    uri: config.MONGODB_URI,
    dbName: config.MONGODB_DB,
    timeoutMs: config.MONGODB_TIMEOUT_MS,
    appName: `zerochat-${name}`,
  });
  mongo.connectInBackground((error, attempt) =>
    log.warn('MongoDB not reachable yet, retrying', { attempt, error: error instanceof Error ? error.message : error }),
  );
  const app = options.build({ log, lifecycle, mongo });
  return listen(config, {
    fetch: app.fetch,
    log,
    lifecycle,
    startup: options.startup,
    close: async () => {
      await app.close?.();
      await mongo.close();
    },
  });
}

/** serveFunction on the configured address, with the configured grace period. */
function listen(
  config: ServerConfig,
  options: Omit<ServeFunctionOptions, 'port' | 'host' | 'graceMs'>,
): Promise<RunningFunction> {
  return serveFunction({ ...options, port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS });
}

/** The JSON logger of a function, naming it and (on Knative) its revision in every line. */
function functionLogger(name: string, config: ServerConfig): Logger {
  return createLogger({
    level: config.LOG_LEVEL,
    fields: { service: name, ...(process.env.K_REVISION ? { revision: process.env.K_REVISION } : {}) },
  });
}

export interface RunStatelessFunctionOptions {
  name: string;
  config: ServerConfig;
  build(context: Omit<FunctionContext, 'mongo'>): {
    fetch: (request: Request, env: object) => Response | Promise<Response>;
  };
  startup?: StartupFacts | undefined;
}

/** runFunction for a function without a database (web): logger, app, listen, graceful shutdown. */
export function runStatelessFunction(options: RunStatelessFunctionOptions): Promise<RunningFunction> {
  const { config, name } = options;
  const log = functionLogger(name, config);
  const lifecycle = createLifecycle();
  const app = options.build({ log, lifecycle });
  return listen(config, { fetch: app.fetch, log, lifecycle, startup: options.startup });
}
