import type { ChatContext } from '../chat-context.ts';
import type { ReplyOutcome } from '../reply-metrics.ts';
import type { StopReason } from './stream-reply.ts';

/**
 * What ends a reply early (a stop request, the time limits, the end of a shutdown's grace,
 * and, when the request asks for it, the client leaving) and how long it lives: it is tracked
 * from the start, so a shutdown waits for it and for its final save.
 */
export function superviseReply(chat: ChatContext, model: string, disconnected: AbortSignal | undefined) {
  const stop = new AbortController();
  const stopWith = (reason: StopReason) => () => stop.abort(reason);
  const total = setTimeout(stopWith('timeout'), chat.settings.CHAT_GENERATION_TIMEOUT_MS);
  const firstToken = setTimeout(stopWith('first_token_timeout'), chat.settings.CHAT_FIRST_TOKEN_TIMEOUT_MS);
  const cancel = stopWith('cancelled');
  disconnected?.addEventListener('abort', cancel, { once: true });
  if (disconnected?.aborted) cancel();
  // A shutdown that waited its whole grace period cuts the reply; its text so far is kept.
  chat.lifecycle.graceOver.addEventListener('abort', cancel, { once: true });
  if (chat.lifecycle.graceOver.aborted) cancel();
  const ended = Promise.withResolvers<void>();
  void chat.lifecycle.track(ended.promise);
  const measured = chat.metrics.begin(model);
  return {
    signal: stop.signal,
    cancel,
    /** A stop request (the stop endpoint, here or on another instance). */
    stop: stopWith('stopped'),
    firstTokenArrived() {
      clearTimeout(firstToken);
      measured.firstToken();
    },
    end(outcome: ReplyOutcome, completionTokens?: number) {
      clearTimeout(total);
      clearTimeout(firstToken);
      disconnected?.removeEventListener('abort', cancel);
      chat.lifecycle.graceOver.removeEventListener('abort', cancel);
      measured.end(outcome, completionTokens);
      ended.resolve();
    },
  };
}

export type ReplySupervisor = ReturnType<typeof superviseReply>;
