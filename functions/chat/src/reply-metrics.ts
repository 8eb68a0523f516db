import type { MetricsRegistry } from '@zerochat/runtime';
import type { FinishReason } from './reply/stream-reply.ts';

/** How a reply ended: its finish reason, `error` when Ollama failed mid-reply, `not_started` when it never began. */
export type ReplyOutcome = FinishReason | 'error' | 'not_started';

// Model loads take seconds to minutes; warm first tokens take milliseconds.
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Reply metrics on the function's /metrics, labelled by model (the allow-list bounds the series). */
export function createReplyMetrics(registry: MetricsRegistry) {
  const replies = registry.counter(
    'zerochat_chat_replies_total',
    'Replies by model and outcome: stop, length, cancelled, timeout, error, not_started.',
  );
  const firstToken = registry.histogram(
    'zerochat_chat_first_token_seconds',
    'Time from a message to the first token of its reply, model load included.',
    FIRST_TOKEN_BUCKETS,
  );
  const tokens = registry.counter('zerochat_chat_completion_tokens_total', 'Tokens generated in finished replies.');
  let inProgress = 0;
  registry
    .gauge('zerochat_chat_replies_in_progress', 'Replies this instance is waiting for or generating.')
    .collect(() => inProgress);

  return {
    /** A reply begins; call the returned functions as it goes. */
    begin(model: string) {
      const started = performance.now();
      inProgress += 1;
      let ended = false;
      return {
        firstToken: () => firstToken.observe((performance.now() - started) / 1000, { model }),
        end(outcome: ReplyOutcome, completionTokens = 0) {
          if (ended) return;
          ended = true;
          inProgress -= 1;
          replies.inc({ model, outcome });
          if (completionTokens > 0) tokens.inc({ model }, completionTokens);
        },
      };
    },
  };
}

export type ReplyMetrics = ReturnType<typeof createReplyMetrics>;
