// `ollama/browser`, not `ollama`: the Node entry adds file handling the admin never uses.
import { Ollama } from 'ollama/browser';

export interface OllamaClientOptions {
  host: string;
  /** Injected so tests can observe or break Ollama's traffic; the global fetch by default. */
  fetch?: typeof fetch;
}

/** Makes an Ollama client; `timeoutMs` bounds each request (not a pull's whole stream). */
export type OllamaClients = (timeoutMs?: number) => Ollama;

/**
 * ollama-js clients for one Ollama server. Its error path logs with console.log when Ollama
 * answers an error in plain text, which would break the JSON log lines, so such answers are
 * turned into Ollama's JSON error shape first.
 */
export function ollamaClients(options: OllamaClientOptions): OllamaClients {
  const baseFetch = options.fetch ?? fetch;
  return (timeoutMs) =>
    new Ollama({
      host: options.host,
      fetch: async (input, init) => {
        const signal = timeoutMs === undefined ? init?.signal : AbortSignal.timeout(timeoutMs);
        const response = await baseFetch(input, { ...init, ...(signal ? { signal } : {}) });
        if (response.ok || response.headers.get('content-type')?.includes('application/json')) return response;
        const text = (await response.text()).trim().slice(0, 300);
        return Response.json({ error: text || `HTTP ${response.status}` }, { status: response.status });
      },
    });
}
