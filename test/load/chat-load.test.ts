// Load on one chat process: many conversations streaming at once for several rounds, users
// asking for more replies than they may have in progress, clients that leave mid-reply, and
// authenticated reads alongside. The only errors allowed are the configured 429s; afterwards
// every user message has an assistant message in a final state.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { describe, expect, it } from 'vitest';
import { useChatOnOwnOllama } from '../support/chat-process.ts';
import { sseEvents } from '../support/sse.ts';
import { waitFor } from '../support/wait-for.ts';

// Sized for CI on 2 cores (20 to 40 s; FerretDB's SQLite writes are the bottleneck, not Ollama).
// 25 users × 2 conversations = 50 streams at once.
const USERS = 25;
const CONVERSATIONS_PER_USER = 2;
const ROUNDS = 3;
const REPLY_TOKENS = 16;
/** Every this many streams, the client leaves after the first piece of text (its reply goes on). */
const LEAVE_EVERY = 10;
const READERS = 4;
const MAX_CONCURRENT_PER_USER = CONVERSATIONS_PER_USER;

const own = useChatOnOwnOllama({ CHAT_MAX_CONCURRENT_PER_USER: String(MAX_CONCURRENT_PER_USER) });
const { database } = own;

type Outcome = 'done' | 'left' | 'rate_limited' | `unexpected ${string}`;

async function stream(token: string, conversationId: string, leave: boolean): Promise<Outcome> {
  const abort = new AbortController();
  const response = await fetch(`${own.chat.process.baseUrl}/chat/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'load', options: { num_predict: REPLY_TOKENS } }),
    signal: abort.signal,
  });
  if (response.status === 429) {
    const problem = (await response.json()) as { code: string };
    return problem.code === 'rate_limited' && response.headers.get('retry-after') ? 'rate_limited' : 'unexpected 429';
  }
  if (response.status !== 200) return `unexpected ${response.status} ${await response.text()}`;
  let last = '';
  try {
    for await (const event of sseEvents(response)) {
      last = event.event;
      if (leave && event.event === 'message.delta') {
        abort.abort();
        return 'left';
      }
    }
  } catch (error) {
    if (abort.signal.aborted) return 'left';
    return `unexpected ${(error as Error).message}`;
  }
  return last === 'message.done' ? 'done' : `unexpected last event ${last}`;
}

describe('load on one chat process', () => {
  it(`streams ${USERS * CONVERSATIONS_PER_USER} conversations at once for ${ROUNDS} rounds with reads alongside`, async () => {
    const users = await Promise.all(
      Array.from({ length: USERS }, async () => {
        const user = await own.chat.user();
        const conversations = await Promise.all(
          Array.from({ length: CONVERSATIONS_PER_USER }, async () => {
            const created = await own.chat.client.json<{ id: string }>('POST', '/chat/conversations', {
              token: user.token,
              body: {},
            });
            expect(created.status).toBe(201);
            return created.body.id;
          }),
        );
        return { ...user, conversations };
      }),
    );

    let streaming = true;
    const reads: number[] = [];
    const readers = Array.from({ length: READERS }, async (_, index) => {
      for (let turn = 0; streaming; turn++) {
        const user = users[(index + turn) % users.length];
        if (!user) break;
        const path = turn % 2 ? '/chat/conversations' : `/chat/conversations/${user.conversations[0]}`;
        reads.push((await own.chat.client.call('GET', path, { token: user.token })).status);
      }
    });

    const outcomes: Outcome[] = [];
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      let count = 0;
      const requests = users.flatMap((user, index) => [
        ...user.conversations.map((id) => stream(user.token, id, ++count % LEAVE_EVERY === 0)),
        // One more than a user may have in progress: the configured 429 (unless a slot freed).
        ...(index % 3 === 0 ? [stream(user.token, user.conversations[0] ?? '', false)] : []),
      ]);
      outcomes.push(...(await Promise.all(requests)));
    }
    streaming = false;
    await Promise.all(readers);
    const seconds = (performance.now() - started) / 1000;

    const tally = Object.groupBy(outcomes, (outcome) => outcome);
    process.stdout.write(
      `load: ${outcomes.length} streams in ${seconds.toFixed(1)} s (${Object.entries(tally)
        .map(([outcome, list]) => `${outcome} ${list?.length}`)
        .join(', ')}), ${reads.length} reads\n`,
    );
    expect(outcomes.filter((outcome) => outcome.startsWith('unexpected'))).toEqual([]);
    expect(tally.done?.length).toBeGreaterThanOrEqual(USERS * CONVERSATIONS_PER_USER * ROUNDS * 0.8);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((status) => status !== 200)).toEqual([]);

    // Nothing lost, nothing stuck: a final assistant message for every stored user message.
    // A reply whose client left goes on to its end; it has a few tokens left at most.
    const pending = () =>
      database.db.collection<MessageDocument>(COLLECTIONS.messages).countDocuments({ status: 'pending' });
    await waitFor(async () => (await pending()) === 0, 30_000);
    const messages = await database.db
      .collection<MessageDocument>(COLLECTIONS.messages)
      .find({}, { sort: { conversationId: 1, createdAt: 1, _id: 1 } })
      .toArray();
    const userMessages = messages.filter((message) => message.role === 'user');
    const replies = messages.filter((message) => message.role === 'assistant');
    expect(userMessages).toHaveLength(outcomes.filter((outcome) => outcome === 'done' || outcome === 'left').length);
    expect(replies).toHaveLength(userMessages.length);
    expect(replies.filter((reply) => !['complete', 'incomplete', 'error'].includes(reply.status))).toEqual([]);
    for (const userMessage of userMessages) {
      const reply = messages[messages.indexOf(userMessage) + 1];
      expect(reply?.role).toBe('assistant');
      expect(reply?.conversationId.equals(userMessage.conversationId)).toBe(true);
    }
    // A reply's slot is released after its final state is stored, so the last ones may lag it briefly.
    await waitFor(
      async () => (await database.db.collection(COLLECTIONS.generationSlots).countDocuments()) === 0,
      10_000,
    );
  }, 120_000);
});
