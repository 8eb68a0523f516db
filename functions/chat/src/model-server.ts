// `ollama/browser`, not `ollama`: the Node entry adds fs and path handling zerochat never
// uses, and every module loaded counts on a cold start.
import { canonicalModelName, ollamaFetch } from '@zerochat/ollama';
import { type ChatResponse, Ollama, type Options } from 'ollama/browser';

/**
 * The model options a request may set (DESIGN §3; the OpenAI-compatible API adds the
 * penalties); everything else stays Ollama's default.
 */
export type ModelOptions = Partial<
  Pick<
    Options,
    | 'temperature'
    | 'top_p'
    | 'top_k'
    | 'min_p'
    | 'repeat_penalty'
    | 'stop'
    | 'num_ctx'
    | 'seed'
    | 'num_predict'
    | 'presence_penalty'
    | 'frequency_penalty'
  >
>;

/** A reply's request to Ollama; `format` constrains it to JSON ("json") or to a JSON schema. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  options: ModelOptions;
  format?: 'json' | Record<string, unknown>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface InstalledModel {
  /** Canonical "name:tag". */
  name: string;
  sizeBytes: number;
  family: string | null;
  parameterSize: string | null;
  quantization: string | null;
  modifiedAt: string | null;
  /** In memory now, so a request needs no load. */
  loaded: boolean;
}

export interface ModelServer {
  /** The models Ollama has installed. */
  listModels(signal: AbortSignal): Promise<InstalledModel[]>;
  /**
   * Starts a streamed chat completion and resolves once Ollama has answered (its first chunk
   * follows the model load and the prompt evaluation). Aborting `signal` aborts the HTTP
   * request, which makes Ollama stop generating, before or during the stream.
   */
  chat(request: ChatRequest, signal: AbortSignal): Promise<AsyncIterable<ChatResponse>>;
}

/** Why Ollama could not do what was asked; `upstreamMessage` is for logs, never for clients. */
export class ModelServerError extends Error {
  override readonly name = 'ModelServerError';
  readonly kind: 'unreachable' | 'model_not_found' | 'failed';
  readonly upstreamMessage: string;
  /** What an operator can do about it, safe to tell clients; never Ollama's own text. */
  readonly remedy: string | undefined;

  constructor(kind: ModelServerError['kind'], upstreamMessage: string, cause: unknown, remedy?: string) {
    super(`Ollama ${kind.replace('_', ' ')}: ${upstreamMessage}`, { cause });
    this.kind = kind;
    this.upstreamMessage = upstreamMessage;
    this.remedy = remedy;
  }
}

/** The detail of a 503 for an unreachable Ollama: the error's remedy when it has one, else `generic`. */
export function unreachableDetail(error: unknown, generic: string): string {
  return (error instanceof ModelServerError && error.remedy) || generic;
}

/**
 * The model server of an installation that has no Ollama (the one-process mode on a machine
 * without one): every call fails as unreachable, and clients are told `remedy`.
 */
export function absentModelServer(remedy: string): ModelServer {
  const absent = async (): Promise<never> => {
    throw new ModelServerError('unreachable', 'no Ollama is configured', undefined, remedy);
  };
  return { listModels: absent, chat: absent };
}

export interface ModelServerOptions {
  host: string;
  /** Injected so tests can delay or observe Ollama's traffic; the global fetch by default. */
  fetch?: typeof fetch;
}

export function createModelServer(options: ModelServerOptions): ModelServer {
  const baseFetch = options.fetch ?? fetch;

  // ollama-js takes no AbortSignal for `list` or for the wait before a stream starts, so each
  // call gets a client whose fetch carries the caller's signal. A client is only a config object.
  const client = (signal: AbortSignal) =>
    new Ollama({
      host: options.host,
      fetch: ollamaFetch(baseFetch, () => signal),
    });

  return {
    async listModels(signal) {
      const ollama = client(signal);
      const [installed, running] = await Promise.all([ollama.list(), ollama.ps()]).catch((error: unknown) => {
        throw classify(error, signal);
      });
      const loaded = new Set(running.models.map((model) => canonicalModelName(model.name)));
      return installed.models.map((model) => {
        const name = canonicalModelName(model.name);
        return {
          name,
          sizeBytes: model.size,
          family: model.details?.family || null,
          parameterSize: model.details?.parameter_size || null,
          quantization: model.details?.quantization_level || null,
          modifiedAt: model.modified_at ? new Date(model.modified_at).toISOString() : null,
          loaded: loaded.has(name),
        };
      });
    },

    async chat(request, signal) {
      let chunks: AsyncIterable<ChatResponse>;
      try {
        chunks = await client(signal).chat({ ...request, stream: true });
      } catch (error) {
        throw classify(error, signal);
      }
      return classified(chunks, signal);
    },
  };
}

/** The same chunks; what breaks the stream is classified like a failure before it. */
async function* classified(chunks: AsyncIterable<ChatResponse>, signal: AbortSignal): AsyncGenerator<ChatResponse> {
  try {
    yield* chunks;
  } catch (error) {
    throw classify(error, signal);
  }
}

/**
 * Maps what ollama-js throws to a ModelServerError; an abort stays an abort. Mid-stream, a
 * dropped connection surfaces as fetch's TypeError ("terminated") and an `{"error": ...}`
 * line as a plain Error carrying Ollama's message.
 */
function classify(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status_code?: unknown }).status_code;
  // fetch rejects with a TypeError when no HTTP answer came: refused, reset, DNS, TLS.
  if (error instanceof TypeError) return new ModelServerError('unreachable', describeNetworkError(error), error);
  if (status === 404) return new ModelServerError('model_not_found', message, error);
  if (typeof status === 'number' && status >= 502 && status <= 504) {
    return new ModelServerError('unreachable', `HTTP ${status}: ${message}`, error);
  }
  return new ModelServerError('failed', typeof status === 'number' ? `HTTP ${status}: ${message}` : message, error);
}

function describeNetworkError(error: TypeError): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ? `${error.message} (${cause.code})` : (cause?.message ?? error.message);
}
