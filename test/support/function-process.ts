import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface FunctionProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Everything written to stderr so far. */
  readonly stderr: string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a function bundle (or any entry file) as its own Node process on a free port and
 * waits for its `listening` log line. The process is this test's to stop, by pid.
 */
export async function startFunctionProcess(entry: string, env: Record<string, string>): Promise<FunctionProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'listening') resolve(entry.port as number);
      } catch {
        // Not a log line.
      }
    });
    void exited.then((code) => reject(new Error(`${entry} exited with ${code} before listening: ${stderr}`)));
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    get stderr() {
      return stderr;
    },
    async stop(signal = 'SIGTERM') {
      // A process a signal ended has no exit code, but is gone all the same.
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, signal);
      }
      return exited;
    },
  };
}
