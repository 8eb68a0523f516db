import { createHash } from 'node:crypto';
import { type CreateRequest, Ollama } from 'ollama/browser';

export interface RegisterGgufOptions {
  host: string;
  /** The model name to create, e.g. "zerochat-tiny". */
  model: string;
  gguf: Buffer;
  template?: string;
  system?: string;
  parameters?: Record<string, unknown>;
  fetch?: typeof fetch;
}

/**
 * Creates an Ollama model from a GGUF file without any download: the file is pushed as a
 * blob (skipped when Ollama has it already) and the model created from that blob. A model of
 * that name made from the same blob, template, system prompt and parameters is left alone:
 * creating it again makes Ollama restart its runner, failing replies in flight with
 * `{"error":"EOF"}`.
 */
export async function registerGguf(options: RegisterGgufOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const digest = `sha256:${createHash('sha256').update(options.gguf).digest('hex')}`;
  const blob = `${options.host}/api/blobs/${digest}`;
  if (!(await doFetch(blob, { method: 'HEAD' })).ok) {
    const pushed = await doFetch(blob, { method: 'POST', body: options.gguf });
    if (!pushed.ok) throw new Error(`pushing ${digest} to Ollama failed: ${pushed.status} ${await pushed.text()}`);
  }
  const ollama = new Ollama({ host: options.host, fetch: doFetch });
  if (await isRegistered(ollama, digest, options)) return;
  // ollama-js passes the request through but does not type `files` (Ollama 0.5.5+).
  const request: CreateRequest & { files: Record<string, string>; stream: false } = {
    model: options.model,
    files: { [`${options.model}.gguf`]: digest },
    ...(options.template === undefined ? {} : { template: options.template }),
    ...(options.system === undefined ? {} : { system: options.system }),
    ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
    stream: false,
  };
  await ollama.create(request);
}

async function isRegistered(ollama: Ollama, digest: string, options: RegisterGgufOptions): Promise<boolean> {
  const existing = await ollama.show({ model: options.model }).catch(() => undefined);
  if (!existing) return false;
  const fromThisBlob = existing.modelfile.includes(`sha256-${digest.slice('sha256:'.length)}`);
  return (
    fromThisBlob &&
    (options.template === undefined || existing.template === options.template) &&
    (options.system === undefined || existing.system === options.system) &&
    (options.parameters === undefined || sameLines(existing.parameters, parameterLines(options.parameters)))
  );
}

/** Parameters as `show` lists them: one "name value" line each, strings quoted, a list once per item. */
function parameterLines(parameters: Record<string, unknown>): string[] {
  return Object.entries(parameters).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map(
      (item) => `${name} ${typeof item === 'string' ? JSON.stringify(item) : String(item)}`,
    ),
  );
}

function sameLines(shown: string | undefined, wanted: string[]): boolean {
  const lines = (shown ?? '')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  return JSON.stringify(lines.sort()) === JSON.stringify([...wanted].sort());
}
