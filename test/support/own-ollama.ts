import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createOllamaServer,
  ensureOllama,
  findOnPath,
  type OllamaServer,
  registerTinyModel,
} from '@zerochat/local-services';
import { afterAll, beforeAll } from 'vitest';
import { testServices } from './test-services.ts';

export interface OwnOllama {
  /** The running server; usable inside tests and in beforeAll hooks declared after the call. */
  readonly server: OllamaServer;
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
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('useOwnOllama: the server starts in beforeAll');
      return server;
    },
  };
}

/** The processes whose parent is `pid` (Linux /proc), e.g. the model runners of an `ollama serve`. */
export async function childProcesses(pid: number): Promise<Array<{ pid: number; command: string }>> {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a process id: ${pid}`);
  const children: Array<{ pid: number; command: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, then the parent pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
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
