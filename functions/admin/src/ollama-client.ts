// `ollama/browser`, not `ollama`: the Node entry adds file handling the admin never uses.
import { ollamaFetch } from '@zerochat/ollama';
import { Ollama } from 'ollama/browser';

export interface OllamaClientOptions {
  host: string;
  /** Injected so tests can observe or break Ollama's traffic; the global fetch by default. */
  fetch?: typeof fetch;
}

/** Makes an Ollama client; `timeoutMs` bounds each request (not a pull's whole stream). */
export type OllamaClients = (timeoutMs?: number) => Ollama;

/** ollama-js clients for one Ollama server, their error bodies always JSON (see ollamaFetch). */
export function ollamaClients(options: OllamaClientOptions): OllamaClients {
  const baseFetch = options.fetch ?? fetch;
  return (timeoutMs) =>
    new Ollama({
      host: options.host,
      fetch: ollamaFetch(baseFetch, timeoutMs === undefined ? undefined : () => AbortSignal.timeout(timeoutMs)),
    });
}
