import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

export interface OllamaServerOptions {
  binary: string;
  /** Models (OLLAMA_MODELS) and Ollama's own key (HOME/.ollama) live here. */
  dataDir: string;
  registryDir: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
}

/** An `ollama serve` on loopback that can be stopped, killed and started again on the same port. */
export interface OllamaServer {
  readonly host: string;
  readonly pid: number | undefined;
  /** Starts it and waits until it answers; does nothing while it runs. */
  start(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

export async function createOllamaServer(options: OllamaServerOptions): Promise<OllamaServer> {
  const port = options.port ?? (await freePort());
  const host = `http://127.0.0.1:${port}`;
  let process: ServiceProcess | undefined;
  return {
    host,
    get pid() {
      return process?.pid;
    },
    async start() {
      // A second process would find the port taken, and stop() would then miss the first.
      if (process?.running) return;
      const models = join(options.dataDir, 'models');
      await mkdir(models, { recursive: true });
      process = await startServiceProcess({
        name: 'Ollama',
        command: options.binary,
        args: ['serve'],
        env: {
          PATH: globalThis.process.env.PATH,
          HOME: options.dataDir,
          OLLAMA_HOST: `127.0.0.1:${port}`,
          OLLAMA_MODELS: models,
          ...options.env,
        },
        logFile: join(options.dataDir, 'ollama.log'),
        isReady: async () => (await fetch(`${host}/api/version`)).ok,
        registryDir: options.registryDir,
      });
    },
    async stop() {
      await process?.stop();
      process = undefined;
    },
    async kill() {
      await process?.kill();
      process = undefined;
    },
  };
}
