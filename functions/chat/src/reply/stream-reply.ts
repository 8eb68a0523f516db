import type { MessageUsage } from '@zerochat/data';
import type { ChatResponse } from 'ollama/browser';
import { type ChatRequest, type ModelServer, ModelServerError } from '../model-server.ts';

/** Why a reply ended: the model stopped, hit `num_predict`, the client left, or time ran out. */
export const FINISH_REASONS = ['stop', 'length', 'cancelled', 'timeout'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** What the caller aborts a reply with; `first_token_timeout` only before it started. */
export type StopReason = 'cancelled' | 'stopped' | 'timeout' | 'first_token_timeout';

/** A reply whose first chunk has arrived: the model is loaded and generating. */
export interface OpenReply {
  first: ChatResponse;
  rest: AsyncIterator<ChatResponse>;
}

/**
 * Asks Ollama for a reply and waits for its first chunk, so that everything that can go wrong
 * before any text exists (unreachable, unknown model, slow load) happens before the client is
 * answered. Rejects with what ollama-js or the model server threw, or with the abort.
 */
export async function openReply(models: ModelServer, request: ChatRequest, signal: AbortSignal): Promise<OpenReply> {
  const chunks = await models.chat(request, signal);
  const rest = chunks[Symbol.asyncIterator]();
  const first = await rest.next();
  if (first.done) throw new ModelServerError('failed', 'the stream ended without a chunk', undefined);
  return { first: first.value, rest };
}

export type ReplyResult =
  | { content: string; finishReason: FinishReason; usage: MessageUsage | null }
  | { content: string; failure: unknown };

/**
 * Reads a reply to its end, handing each piece of text to `onDelta`. Ends when the model is
 * done, when `signal` aborts (its reason says why; the HTTP request to Ollama is aborted with
 * it, which stops the generation), or when Ollama fails; the text so far is kept in every case.
 * `onDelta` is not waited for: the reply is read as fast as the model writes it, so a client
 * that reads slowly, or not at all, never holds the model (Ollama serves a slot at a time).
 */
export async function streamReply(
  reply: OpenReply,
  options: { signal: AbortSignal; onDelta: (content: string) => void },
): Promise<ReplyResult> {
  let content = '';
  let chunk: ChatResponse | undefined = reply.first;
  try {
    while (chunk) {
      const text = chunk.message?.content ?? '';
      if (text) {
        content += text;
        options.onDelta(text);
      }
      if (chunk.done) {
        return { content, finishReason: chunk.done_reason === 'length' ? 'length' : 'stop', usage: usageOf(chunk) };
      }
      if (options.signal.aborted) break;
      const next: IteratorResult<ChatResponse> = await reply.rest.next();
      chunk = next.done ? undefined : next.value;
    }
    if (!options.signal.aborted)
      throw new ModelServerError('failed', 'the stream ended before the reply was done', undefined);
  } catch (error) {
    if (!options.signal.aborted) return { content, failure: error };
  }
  // Release the response body at once; the abort has already closed the connection.
  void reply.rest.return?.().catch(() => undefined);
  return { content, finishReason: options.signal.reason === 'timeout' ? 'timeout' : 'cancelled', usage: null };
}

function usageOf(chunk: ChatResponse): MessageUsage {
  return {
    promptTokens: chunk.prompt_eval_count ?? 0,
    completionTokens: chunk.eval_count ?? 0,
    durationMs: Math.round((chunk.total_duration ?? 0) / 1e6),
  };
}
