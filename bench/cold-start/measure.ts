import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptsConnections } from '@zerochat/local-services';

/** The request that proves a process is really serving: authenticated and touching MongoDB. */
export interface RealRequest {
  /** Shown in reports, e.g. "GET /auth/me". */
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** A correct answer, not merely any answer. */
  isCorrect(status: number, body: string): boolean;
}

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  port: number;
  /** Answers 200 once the process is ready for traffic (what a Knative readiness probe asks). */
  readinessPath: string;
  request: RealRequest;
}

/** Milliseconds since spawn at which each milestone was reached. */
export interface ColdStartSample {
  listening: number;
  ready: number;
  firstAnswer: number;
  /** Resident memory right after the first answer. */
  rssBytes: number;
  /** CPU time all the process's threads had used by the first answer: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Resident memory after the first answer and `idleMs` without requests, when asked for. */
  rssIdleBytes?: number;
}

const POLL_TIMEOUT_MS = 60_000;

/** One request on a fresh connection, as a probe or a first client would make it. */
export function send(
  port: number,
  request: Pick<RealRequest, 'method' | 'path' | 'headers' | 'body'>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : Number.NaN;
}

/** Sum of the threads' on-CPU time from /proc/<pid>/task/<tid>/schedstat (nanoseconds). */
export async function cpuMilliseconds(pid: number): Promise<number> {
  const threads = await readdir(`/proc/${pid}/task`);
  let nanoseconds = 0;
  for (const tid of threads) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
    nanoseconds += Number(stat.split(' ')[0]);
  }
  return nanoseconds / 1e6;
}

async function until(condition: () => Promise<boolean>, what: () => string, deadline: number): Promise<void> {
  while (!(await condition().catch(() => false))) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    // Poll each millisecond, not in a tight loop: on a small machine a spinning harness would
    // take the CPU the measured process needs.
    await sleep(1);
  }
}

/**
 * Spawns a fresh process and times spawn → accepting connections → readiness 200 → first
 * correct answer to the real request. The process is killed (by pid) afterwards.
 */
export async function measureColdStart(spec: ProcessSpec, options: { idleMs?: number } = {}): Promise<ColdStartSample> {
  const started = performance.now();
  const child = spawn(spec.command, spec.args, { env: spec.env, cwd: spec.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = once(child, 'exit');
  const deadline = started + POLL_TIMEOUT_MS;
  try {
    const alive = async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
      return true;
    };
    await until(
      async () => (await alive()) && acceptsConnections(spec.port),
      () => 'the port',
      deadline,
    );
    const listening = performance.now() - started;
    await until(
      async () =>
        (await alive()) && (await send(spec.port, { method: 'GET', path: spec.readinessPath })).status === 200,
      () => 'readiness',
      deadline,
    );
    const ready = performance.now() - started;
    let last = { status: 0, body: '' };
    await until(
      async () => {
        await alive();
        last = await send(spec.port, spec.request);
        return spec.request.isCorrect(last.status, last.body);
      },
      () => `a correct answer to ${spec.request.label} (last: ${last.status} ${last.body.slice(0, 200)})`,
      deadline,
    );
    const firstAnswer = performance.now() - started;
    const pid = child.pid ?? 0;
    const [rssBytes, cpuMs] = await Promise.all([residentBytes(pid), cpuMilliseconds(pid)]);
    if (!options.idleMs) return { listening, ready, firstAnswer, rssBytes, cpuMs };
    // What an instance holds while it waits for its next request (V8 gives memory back only
    // after some seconds without allocation).
    await sleep(options.idleMs);
    await alive();
    return { listening, ready, firstAnswer, rssBytes, cpuMs, rssIdleBytes: await residentBytes(pid) };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}
