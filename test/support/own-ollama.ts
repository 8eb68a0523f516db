import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOllamaServer, ensureOllama, findOnPath, type OllamaServer } from '@zerochat/local-services';
import { registerGguf, TINY_MODEL_NAME, TINY_MODEL_TEMPLATE, tinyModelGguf } from '@zerochat/ollama';
import { afterAll } from 'vitest';
import { testServices } from './test-services.ts';

/**
 * An Ollama of the calling test file's own, with the tiny model, for tests that kill, stop or
 * time it; stopped (by pid) when the file is done. Call in beforeAll.
 */
export async function startOwnOllama(env: NodeJS.ProcessEnv = {}): Promise<OllamaServer> {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = (await findOnPath('ollama')) ?? (await ensureOllama({ cacheDir, report: () => undefined }));
  const server = await createOllamaServer({
    binary,
    dataDir: await mkdtemp(join(scratchDir, 'own-ollama-')),
    registryDir,
    env,
  });
  afterAll(() => server.stop());
  await server.start();
  await registerGguf({
    host: server.host,
    model: TINY_MODEL_NAME,
    gguf: tinyModelGguf(),
    template: TINY_MODEL_TEMPLATE,
  });
  return server;
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
