import { summarize } from '../cold-start/statistics.ts';

/** What a stream of replies measured: per reply, not per HTTP request. */
export interface ReplyProbeResult {
  replies: number;
  /** From sending the message to the first piece of text (message.delta). */
  firstTokenMs: { p50: number; p90: number };
  /** Completion tokens per second of one reply, from its first text to message.done: the median reply's. */
  tokensPerSecondPerReply: number;
  /** Completion tokens of all replies per second of the run. */
  tokensPerSecond: number;
  failures: number;
}

export interface ReplyProbeTarget {
  url: string;
  /** One per connection: the token and the conversation its replies go to. */
  users: ReadonlyArray<{ token: string; conversationId: string }>;
  connections: number;
  durationSeconds: number;
  tokens: number;
}

/**
 * Sends messages over `connections` connections for `durationSeconds`, one reply after the
 * other on each, and reads every reply's SSE as a client does: the time to its first token is
 * its own figure (autocannon's latency is the whole request), and so is how fast it streams.
 */
export async function probeReplies(target: ReplyProbeTarget): Promise<ReplyProbeResult> {
  const firstTokenMs: number[] = [];
  const rates: number[] = [];
  let tokens = 0;
  let failures = 0;
  const started = performance.now();
  const ends = started + target.durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: target.connections }, async (_, index) => {
      const user = target.users[index % target.users.length];
      if (!user) return;
      while (performance.now() < ends) {
        const measured = await oneReply(target, user).catch(() => undefined);
        if (!measured) {
          failures++;
          continue;
        }
        firstTokenMs.push(measured.firstTokenMs);
        if (measured.streamMs > 0) rates.push(measured.tokens / (measured.streamMs / 1000));
        tokens += measured.tokens;
      }
    }),
  );
  const waits = summarize(firstTokenMs);
  return {
    replies: firstTokenMs.length,
    firstTokenMs: { p50: waits.median, p90: waits.p90 },
    tokensPerSecondPerReply: rates.length ? summarize(rates).median : Number.NaN,
    tokensPerSecond: tokens / ((performance.now() - started) / 1000),
    failures,
  };
}

async function oneReply(
  target: ReplyProbeTarget,
  user: { token: string; conversationId: string },
): Promise<{ firstTokenMs: number; streamMs: number; tokens: number } | undefined> {
  const sent = performance.now();
  const response = await fetch(`${target.url}/chat/conversations/${user.conversationId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'Tell me about cold starts.', options: { num_predict: target.tokens } }),
  });
  if (response.status !== 200 || !response.body) return undefined;
  let firstToken: number | undefined;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    if (firstToken === undefined && buffer.includes('event: message.delta')) firstToken = performance.now();
    const done = /event: message\.done\ndata: (.*)\n/.exec(buffer);
    if (done?.[1] && firstToken !== undefined) {
      const usage = (JSON.parse(done[1]) as { usage: { completionTokens: number } | null }).usage;
      return {
        firstTokenMs: firstToken - sent,
        streamMs: performance.now() - firstToken,
        tokens: usage?.completionTokens ?? 0,
      };
    }
    // Only the tail can still hold a partial event.
    if (buffer.length > 4096) buffer = buffer.slice(-1024);
  }
  return undefined;
}
