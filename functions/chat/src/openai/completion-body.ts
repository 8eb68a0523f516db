import { randomBytes } from 'node:crypto';
import type { MessageUsage } from '@zerochat/data';
import type { FinishReason } from '../reply/stream-reply.ts';

// The answers of POST /v1/chat/completions, in OpenAI's shapes: one chat.completion, or a
// stream of chat.completion.chunk objects.

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** OpenAI knows stop and length; a reply cut off by zerochat's time limit was cut off for length. */
export function openAiFinishReason(reason: FinishReason): 'stop' | 'length' {
  return reason === 'stop' ? 'stop' : 'length';
}

export function openAiUsage(usage: MessageUsage | null): OpenAiUsage {
  const prompt = usage?.promptTokens ?? 0;
  const completion = usage?.completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** What every object of one completion shares: its id, its time and the model. */
export interface CompletionFrame {
  id: string;
  created: number;
  model: string;
}

export function completionFrame(model: string, now: Date): CompletionFrame {
  return { id: `chatcmpl-${randomBytes(12).toString('hex')}`, created: Math.floor(now.getTime() / 1000), model };
}

export function completionBody(
  frame: CompletionFrame,
  result: { content: string; finishReason: FinishReason; usage: MessageUsage | null },
) {
  return {
    ...frame,
    object: 'chat.completion' as const,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: result.content, refusal: null },
        logprobs: null,
        finish_reason: openAiFinishReason(result.finishReason),
      },
    ],
    usage: openAiUsage(result.usage),
  };
}

/**
 * A chunk of a streamed completion: a delta (the role first, then text), or the last one with
 * its finish reason. With include_usage every chunk carries `usage: null` and a final chunk
 * without choices carries the counts (usageChunk).
 */
export function completionChunk(
  frame: CompletionFrame,
  delta: { role?: 'assistant'; content?: string },
  finishReason: 'stop' | 'length' | null,
  includeUsage: boolean,
) {
  return {
    ...frame,
    object: 'chat.completion.chunk' as const,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  };
}

export function usageChunk(frame: CompletionFrame, usage: MessageUsage | null) {
  return {
    ...frame,
    object: 'chat.completion.chunk' as const,
    system_fingerprint: null,
    choices: [],
    usage: openAiUsage(usage),
  };
}
