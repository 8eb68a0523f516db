import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go here, so a failed start can be diagnosed. */
  logFile: string;
  /** Resolves true once the service answers. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Folder of pid records, used to stop leftovers of a run that died (see reapLeftovers). */
  registryDir: string;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<void>;
  /** False once the process has exited, whoever ended it. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; the whole process group, so helpers go too. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole process group at once, as a crash would. */
  kill(): Promise<void>;
}

interface PidRecord {
  pid: number;
  owner: number;
  command: string;
}

const running = new Set<number>();
process.once('exit', () => {
  // Last resort when the owner exits without stopping its services (e.g. a failed run).
  for (const pid of running) signalGroup(pid, 'SIGKILL');
});

/**
 * For command-line programs: SIGINT (Ctrl-C) and SIGTERM end the process through `exit`, so
 * the hook above stops the services it started. By default Node dies of these signals without
 * running exit hooks, and the services, each in a process group of its own, would run on.
 */
export function stopServicesOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a service in its own process group and waits until it answers. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  await mkdir(options.registryDir, { recursive: true });
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      env: options.env ?? process.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  running.add(pid);
  const record = join(options.registryDir, `${pid}.json`);
  await writeFile(record, JSON.stringify({ pid, owner: process.pid, command: options.command } satisfies PidRecord));

  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      running.delete(pid);
      void rm(record, { force: true });
      resolve();
    });
  });

  const service: ServiceProcess = {
    name: options.name,
    pid,
    exited,
    get running() {
      return !hasExited;
    },
    async stop(graceMs = 10_000) {
      if (hasExited) return;
      signalGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs, true, { ref: false })]);
      if (timedOut) signalGroup(pid, 'SIGKILL');
      await exited;
    },
    async kill() {
      signalGroup(pid, 'SIGKILL');
      await exited;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await options.isReady().catch(() => false))) {
    if (hasExited) throw new Error(`${options.name} exited while starting; see ${options.logFile}`);
    if (Date.now() > deadline) {
      await service.stop(1000);
      throw new Error(`${options.name} did not become ready in time; see ${options.logFile}`);
    }
    await sleep(100);
  }
  return service;
}

/**
 * Stops services whose owner died without stopping them (a crashed or killed run), found by
 * the pid records; only processes still running the recorded command are signalled.
 */
export async function reapLeftovers(registryDir: string): Promise<number> {
  let reaped = 0;
  const entries = await readdir(registryDir).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => name.endsWith('.json'))) {
    const path = join(registryDir, entry);
    const record = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Partial<PidRecord>;
    if (!record.pid || !record.owner || isAlive(record.owner)) continue;
    const commandLine = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => '');
    if (record.command && commandLine.startsWith(record.command)) {
      signalGroup(record.pid, 'SIGKILL');
      reaped += 1;
    }
    await rm(path, { force: true });
  }
  return reaped;
}
