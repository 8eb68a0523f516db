// A reply's limits: the generation time limit and the per-user number of replies at once. Both
// end streams mid-reply, after which Ollama 0.24 can keep the model's generation slot for good
// (see useOwnOllama's recover). On the test services' shared Ollama, once in a full run, every
// later streamed reply of the file then waited out its timeout; on this file's own Ollama, it
// is checked and restarted after each test.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ollamaMsPerToken } from '../../../../test/support/ollama-pace.ts';
import { useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  allEvents,
  type ChatHarness,
  chatHarness,
  problemOf,
  request,
  storedCounts,
  type TestUser,
  waitFor,
} from '../../test/harness.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '2' });
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);

let chat: ChatHarness;
let base: string;

beforeAll(async () => {
  chat = await chatHarness(database, { ollamaHost: ollama.server.host });
  base = await chat.serve();
});

const post = (user: TestUser, id: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${base}/chat/conversations/${id}/messages`, request('POST', user.token, body, signal));

describe('limits', () => {
  it('cuts a reply off at the generation time limit and keeps it as incomplete', async () => {
    // A limit of a quarter of the time the whole reply would take at Ollama's pace now (and
    // long enough for the first token): unless it is enforced, the reply runs four times as long.
    const limitMs = Math.max(1500, (40_000 / 4) * (await ollamaMsPerToken(ollama.server.host)));
    const limited = await chatHarness(database, {
      ollamaHost: ollama.server.host,
      env: { CHAT_GENERATION_TIMEOUT_MS: String(Math.round(limitMs)) },
    });
    const dave = await limited.user();
    const id = await dave.newConversation();
    const started = performance.now();
    const response = await dave.call('POST', `/chat/conversations/${id}/messages`, {
      content: 'go on forever',
      options: { num_predict: 40_000 },
    });
    const events = await allEvents(response);
    expect(performance.now() - started).toBeLessThan(2 * limitMs);
    const done = events.at(-1);
    expect(done).toMatchObject({ event: 'message.done', data: { finishReason: 'timeout', usage: null } });
    const streamed = events
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');
    const stored = await messages().findOne({ _id: ObjectId.createFromHexString(String(done?.data.messageId)) });
    expect(stored).toMatchObject({ status: 'incomplete', content: streamed, usage: null });
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('refuses a third concurrent reply with 429 and Retry-After, writes nothing, and frees slots afterwards', async () => {
    const erin = await chat.user();
    const id = await erin.newConversation();
    const long = { content: 'long one', cancelOnDisconnect: true, options: { num_predict: 40_000 } };
    const streams = [new AbortController(), new AbortController()];
    // Two replies in progress (the second may still wait for Ollama: its slot is taken already).
    const first = await post(erin, id, long, streams[0]?.signal);
    expect(first.status).toBe(200);
    const second = post(erin, id, long, streams[1]?.signal).catch(() => undefined);
    const pending = { conversationId: ObjectId.createFromHexString(id), status: 'pending' } as const;
    // A reply takes its slot and writes its messages at once: both, for both replies.
    const slots = () => database.db.collection(COLLECTIONS.generationSlots).countDocuments();
    await waitFor(async () => (await messages().countDocuments(pending)) === 2 && (await slots()) === 2);

    const before = await storedCounts(database);
    const third = await post(erin, id, { content: 'one more', stream: false });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(await problemOf(third)).toEqual({ status: 429, code: 'rate_limited' });
    expect(await storedCounts(database)).toEqual(before);

    for (const controller of streams) controller.abort();
    await second;
    await waitFor(async () => (await slots()) === 0);
    expect((await erin.ask(id, 'now?')).status).toBe(200);
  });
});
