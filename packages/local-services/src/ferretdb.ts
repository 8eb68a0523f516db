import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { env } from 'node:process';
import { acceptsConnections, freePort } from './free-port.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

export interface FerretDbOptions {
  binary: string;
  /** SQLite files and FerretDB's state live here. */
  dataDir: string;
  registryDir: string;
  port?: number;
}

/** A FerretDB (SQLite backend) on loopback that can be stopped and started again on the same port and data. */
export interface FerretDb {
  readonly uri: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Starts it and waits until it answers; does nothing while it runs. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: no write in progress gets to finish. */
  kill(): Promise<void>;
}

/** Go's GOGC for FerretDB: collect when the heap has grown by 400 % of what is live. */
const FERRETDB_GOGC = 400;

export async function createFerretDb(options: FerretDbOptions): Promise<FerretDb> {
  const port = options.port ?? (await freePort());
  let process: ServiceProcess | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    get pid() {
      return process?.pid;
    },
    async start() {
      // A second process would find the port taken, and stop() would then miss the first.
      if (process?.running) return;
      await mkdir(options.dataDir, { recursive: true });
      process = await startServiceProcess({
        name: 'FerretDB',
        command: options.binary,
        args: [
          '--handler=sqlite',
          `--sqlite-url=file:${options.dataDir}/`,
          `--state-dir=${options.dataDir}`,
          `--listen-addr=127.0.0.1:${port}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ],
        // Go's collector ran for about two fifths of FerretDB's CPU time on a list of
        // conversations, which decodes every stored one: collecting at 5× the live heap
        // instead of 2× costs some 10 MiB more memory and saves most of that.
        env: { ...env, GOGC: env.GOGC ?? String(FERRETDB_GOGC) },
        logFile: join(options.dataDir, 'ferretdb.log'),
        isReady: () => acceptsConnections(port),
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
