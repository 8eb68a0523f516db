import { summarize } from '../cold-start/statistics.ts';

/** What a stream of replies measured: per reply, not per HTTP request. */
export interface ReplyProbeResult {
  replies: number;
  /** From sending the message to the first piece of text (message.delta, or Ollama's first chunk with text). */
  firstTokenMs: { p50: number; p90: number };
  /** Completion tokens per second of one reply, from its first text to its end: the median reply's. */
  tokensPerSecondPerReply: number;
  /** Completion tokens of all replies per second of the run. */
  tokensPerSecond: number;
  failures: number;
}

export interface ReplyProbeTarget {
  url: string;
  /**
   * `chat`: a message to the user's conversation, its reply read as SSE; `ollama`: the same
   * prompt and options straight to Ollama's `POST /api/chat`, read as NDJSON (the reference).
   */
  kind: 'chat' | 'ollama';
  /** Ollama's name of the model; only for `ollama`. */
  model?: string;
  /** One per connection: the token and the conversation its replies go to. */
  users: ReadonlyArray<{ token: string; conversationId: string }>;
  connections: number;
  durationSeconds: number;
  tokens: number;
}

const PROMPT = 'Tell me about cold starts.';

interface Measured {
  firstTokenMs: number;
  streamMs: number;
  tokens: number;
}

/**
 * Sends messages over `connections` connections for `durationSeconds`, one reply after the
 * other on each, and reads every reply as a client does: the time to its first token is its
 * own figure (autocannon's latency is the whole request), and so is how fast it streams.
 */
export async function probeReplies(target: ReplyProbeTarget): Promise<ReplyProbeResult> {
  const firstTokenMs: number[] = [];
  const rates: number[] = [];
  let tokens = 0;
  let failures = 0;
  const started = performance.now();
  const ends = started + target.durationSeconds * 1000;
  const read = target.kind === 'chat' ? chatReply : ollamaReply;
  await Promise.all(
    Array.from({ length: target.connections }, async (_, index) => {
      const user = target.users[index % target.users.length];
      if (!user) return;
      while (performance.now() < ends) {
        const measured = await read(target, user).catch(() => undefined);
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

/** A reply through chat: from the POST to the first message.delta, then to message.done. */
async function chatReply(
  target: ReplyProbeTarget,
  user: { token: string; conversationId: string },
): Promise<Measured | undefined> {
  const sent = performance.now();
  const response = await fetch(`${target.url}/chat/conversations/${user.conversationId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: PROMPT, options: { num_predict: target.tokens } }),
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

/** The same reply from Ollama alone: from the POST to the first chunk with text, then to `done`. */
async function ollamaReply(target: ReplyProbeTarget): Promise<Measured | undefined> {
  const sent = performance.now();
  const response = await fetch(`${target.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
      options: { num_predict: target.tokens },
    }),
  });
  if (response.status !== 200 || !response.body) return undefined;
  let firstToken: number | undefined;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      const message = JSON.parse(line) as { message?: { content?: string }; done?: boolean; eval_count?: number };
      if (firstToken === undefined && message.message?.content) firstToken = performance.now();
      if (message.done && firstToken !== undefined) {
        return {
          firstTokenMs: firstToken - sent,
          streamMs: performance.now() - firstToken,
          tokens: message.eval_count ?? 0,
        };
      }
    }
  }
  return undefined;
}
