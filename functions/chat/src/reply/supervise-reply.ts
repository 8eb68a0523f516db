import type { ChatContext } from '../chat-context.ts';
import type { ReplyOutcome } from '../reply-metrics.ts';
import type { StopReason } from './stream-reply.ts';

/**
 * What ends a reply early (the client leaving, the time limits) and how long it lives: it is
 * tracked from the start, so a shutdown that cuts the connection waits for the save that the
 * cut sets off, not only for saves already under way.
 */
export function superviseReply(chat: ChatContext, model: string, disconnected: AbortSignal) {
  const stop = new AbortController();
  const stopWith = (reason: StopReason) => () => stop.abort(reason);
  const total = setTimeout(stopWith('timeout'), chat.settings.CHAT_GENERATION_TIMEOUT_MS);
  const firstToken = setTimeout(stopWith('first_token_timeout'), chat.settings.CHAT_FIRST_TOKEN_TIMEOUT_MS);
  const cancel = stopWith('cancelled');
  // A client that goes away stops the generation at once, before or during the stream.
  disconnected.addEventListener('abort', cancel, { once: true });
  if (disconnected.aborted) cancel();
  const ended = Promise.withResolvers<void>();
  void chat.lifecycle.track(ended.promise);
  const measured = chat.metrics.begin(model);
  return {
    signal: stop.signal,
    cancel,
    firstTokenArrived() {
      clearTimeout(firstToken);
      measured.firstToken();
    },
    end(outcome: ReplyOutcome, completionTokens?: number) {
      clearTimeout(total);
      clearTimeout(firstToken);
      disconnected.removeEventListener('abort', cancel);
      measured.end(outcome, completionTokens);
      ended.resolve();
    },
  };
}

export type ReplySupervisor = ReturnType<typeof superviseReply>;
