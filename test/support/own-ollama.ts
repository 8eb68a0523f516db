import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createOllamaServer,
  ensureOllama,
  findOnPath,
  type OllamaServer,
  registerTinyModel,
} from '@zerochat/local-services';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { testServices } from './test-services.ts';

export interface OwnOllama {
  /** The running server; usable inside tests and in beforeAll hooks declared after the call. */
  readonly server: OllamaServer;
  /**
   * Resolves once no model runner of this Ollama is generating (its runners use no CPU for
   * half a second), or rejects after `withinMs`. Proof that a generation has stopped that does
   * not depend on Ollama's queue, which Ollama 0.24 can leave blocked (see `recover`).
   */
  generationStopped(withinMs: number): Promise<void>;
  /** Whether a model runner of this Ollama is generating now (it uses CPU). */
  generating(): Promise<boolean>;
  /**
   * Makes sure this Ollama answers a short request, and restarts it (the models stay) when it
   * does not. Ollama 0.24's chat handler can block for good sending a chunk to a client that
   * has gone, holding the model's generation slot, so that every later request on that model
   * waits; zerochat did close its request, and the runner did stop. Runs after each test too,
   * so that no test inherits that state.
   */
  recover(): Promise<void>;
}

/**
 * An Ollama of the calling test file's own, with the tiny model, for tests that kill, stop or
 * time it. Call at the top level of the file: it starts before the file's tests and is stopped
 * (by pid) when the file is done.
 */
export function useOwnOllama(env: NodeJS.ProcessEnv = {}): OwnOllama {
  let server: OllamaServer | undefined;
  beforeAll(async () => {
    const { cacheDir, registryDir, scratchDir } = testServices();
    const binary = (await findOnPath('ollama')) ?? (await ensureOllama({ cacheDir, report: () => undefined }));
    server = await createOllamaServer({
      binary,
      dataDir: await mkdtemp(join(scratchDir, 'own-ollama-')),
      registryDir,
      env,
    });
    await server.start();
    await registerTinyModel(server.host);
  });
  const running = () => {
    if (!server) throw new Error('useOwnOllama: the server starts in beforeAll');
    return server;
  };
  const runnerCpuMs = async () => {
    let total = 0;
    for (const runner of await childProcesses(running().pid ?? 0)) total += await cpuMs(runner.pid);
    return total;
  };
  const generating = async () => {
    const before = await runnerCpuMs();
    await sleep(IDLE_WINDOW_MS);
    // An idle runner uses next to nothing; a generating one most of a core, even on a busy machine.
    return (await runnerCpuMs()) - before > IDLE_WINDOW_MS / 10;
  };
  const recover = async () => {
    const ollama = running();
    if (ollama.pid === undefined) return; // stopped by the test itself
    const answers = await askOllamaDirectly(ollama.host, 2, AbortSignal.timeout(10_000)).then(
      () => true,
      () => false,
    );
    if (answers) return;
    process.stderr.write(`[own ollama] ${ollama.host} held a generation slot with no client left: restarting it\n`);
    await ollama.stop();
    await ollama.start();
    await askOllamaDirectly(ollama.host, 2, AbortSignal.timeout(60_000));
  };
  afterEach(recover, 90_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      return running();
    },
    generating,
    async generationStopped(withinMs) {
      const deadline = performance.now() + withinMs;
      while (await generating()) {
        if (performance.now() > deadline) throw new Error(`a model runner still generates after ${withinMs} ms`);
      }
    },
    recover,
  };
}

/** The window over which a runner's CPU use tells whether it generates. */
const IDLE_WINDOW_MS = 500;

/** The fields of /proc/<pid>/stat after the parenthesised command name (Linux): state first. */
async function procStat(pid: number | string): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The CPU time (user and system) process `pid` has used, in ms; 0 once it has ended. */
async function cpuMs(pid: number): Promise<number> {
  try {
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    const fields = await procStat(pid);
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (Linux /proc), e.g. the model runners of an `ollama serve`. */
export async function childProcesses(pid: number): Promise<Array<{ pid: number; command: string }>> {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a process id: ${pid}`);
  const children: Array<{ pid: number; command: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number((await procStat(entry))[1]);
      if (parent !== pid) continue;
      const command = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
      children.push({ pid: Number(entry), command });
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/**
 * A short reply of the tiny model straight from the Ollama at `host`, bypassing zerochat;
 * resolves with how long it took, in ms. On an Ollama that runs one generation at a time, it
 * waits for the one in progress: how long it takes tells whether a generation still runs.
 */
export async function askOllamaDirectly(host: string, tokens: number, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${host}/api/chat`, {
    method: 'POST',
    body: JSON.stringify({
      model: testServices().tinyModel,
      messages: [{ role: 'user', content: 'ping' }],
      stream: false,
      options: { num_predict: tokens },
    }),
    ...(signal ? { signal } : {}),
  });
  if (response.status !== 200) throw new Error(`Ollama answered ${response.status}`);
  await response.json();
  return performance.now() - started;
}
