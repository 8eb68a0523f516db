import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMilliseconds, send } from '../cold-start/measure.ts';

export interface ServerProcess {
  url: string;
  /** The CPU time the process's threads have used so far, in ms. */
  cpuMs(): Promise<number>;
  /** SIGTERM by pid, SIGKILL if it is still there after 5 s. */
  stop(): Promise<void>;
}

/**
 * Starts a server under test on `port` and waits until `readinessPath` answers 200. Its logs
 * go to /dev/null (written, as in production, but not read); stderr is kept for failures.
 */
export async function startServer(options: {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  port: number;
  readinessPath: string;
}): Promise<ServerProcess> {
  const child = spawn(options.command, options.args, {
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = once(child, 'exit');
  // A benchmark that ends early (an error, Ctrl-C) takes its servers with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000, true)]);
    if (timedOut) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    const ready = await send(options.port, { method: 'GET', path: options.readinessPath }).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.args.join(' ')} did not become ready: ${stderr}`);
    }
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${options.port}`, cpuMs: () => cpuMilliseconds(child.pid as number), stop };
}
