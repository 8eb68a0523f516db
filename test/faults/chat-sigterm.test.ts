// SIGTERM to a chat process while it streams a reply, as Knative sends it when scaling down:
// the stream runs to its end within the grace period, new requests are refused, the process
// exits 0, and the reply is stored whole. A reply that nobody reads any more (the page was
// closed) is not cut either: it is generated to its end and stored before the process exits.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../support/bundles.ts';
import { startChatProcess } from '../support/chat-process.ts';
import { ollamaMsPerToken } from '../support/ollama-pace.ts';
import { sseEvents } from '../support/sse.ts';
import { testServices, useTestDatabase } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

const database = useTestDatabase();
const unreadDatabase = useTestDatabase();
let replyTokens: number;
let graceMs: number;
beforeAll(async () => {
  // Built once per run; here, so that the build does not count against the test's time.
  await functionBundle('chat');
  // At the pace Ollama has now: a reply of about 3 s, still going when the signal comes, and a
  // grace period it fits in five times over.
  const { ollamaHost } = testServices();
  const msPerToken = await ollamaMsPerToken(ollamaHost);
  replyTokens = Math.min(40_000, Math.max(200, Math.round(3000 / msPerToken)));
  graceMs = Math.max(20_000, 5 * replyTokens * msPerToken);
});

describe('SIGTERM to chat during a stream', () => {
  it('lets the stream finish, refuses new requests, exits 0 and loses nothing', async () => {
    const chat = await startChatProcess({
      mongoUri: database.uri,
      dbName: database.name,
      env: { SHUTDOWN_GRACE_MS: String(Math.round(graceMs)) },
    });
    const user = await chat.user();
    const { body: conversation } = await chat.client.json<{ id: string }>('POST', '/chat/conversations', {
      token: user.token,
      body: {},
    });
    const response = await chat.client.call('POST', `/chat/conversations/${conversation.id}/messages`, {
      token: user.token,
      body: { content: 'a long answer, please', options: { num_predict: replyTokens } },
    });
    expect(response.status).toBe(200);
    const events = sseEvents(response);
    const first = await events.next();
    expect(first.value?.event).toBe('message.start');

    const signalled = performance.now();
    const exited = chat.process.stop('SIGTERM');
    // Once the process has taken the signal (a request sent before that is still served), a new
    // request is turned away while the stream goes on.
    await waitFor(async () => chat.process.logs.some((line) => line.msg === 'shutting down'));
    const refused = await fetch(`${chat.process.baseUrl}/chat/conversations`, {
      headers: { authorization: `Bearer ${user.token}` },
    }).then(
      (answer) => answer.status,
      () => 'connection refused',
    );
    const rest: Array<{ event: string; data: Record<string, unknown> }> = [];
    for await (const event of events) rest.push(event);
    expect(rest.length).toBeGreaterThan(5);
    expect(refused === 'connection refused' || refused === 503, `a new request got ${refused}`).toBe(true);
    expect(rest.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'length' } });

    expect(await exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(graceMs);
    const streamed = rest
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');
    const stored = await database.db
      .collection<MessageDocument>(COLLECTIONS.messages)
      .find({}, { sort: { createdAt: 1, _id: 1 } })
      .toArray();
    expect(stored.map(({ role, status }) => ({ role, status }))).toEqual([
      { role: 'user', status: 'complete' },
      { role: 'assistant', status: 'complete' },
    ]);
    expect(stored[1]?.content).toBe(streamed);
    expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);
  });

  it('lets a reply nobody reads any more generate to its end and stores it before exiting', async () => {
    const chat = await startChatProcess({
      mongoUri: unreadDatabase.uri,
      dbName: unreadDatabase.name,
      env: { SHUTDOWN_GRACE_MS: String(Math.round(graceMs)) },
    });
    const user = await chat.user();
    const { body: conversation } = await chat.client.json<{ id: string }>('POST', '/chat/conversations', {
      token: user.token,
      body: {},
    });
    const response = await chat.client.call('POST', `/chat/conversations/${conversation.id}/messages`, {
      token: user.token,
      body: { content: 'a story for later', options: { num_predict: 60 } },
    });
    const events = sseEvents(response);
    const first = await events.next();
    expect(first.value?.event).toBe('message.start');
    // The reader goes away; no request of the reply is open any more.
    await events.return(undefined);
    await waitFor(async () => chat.process.logs.some((line) => line.msg === 'request' && line.method === 'POST'));

    const signalled = performance.now();
    expect(await chat.process.stop('SIGTERM')).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(graceMs);
    const reply = await unreadDatabase.db
      .collection<MessageDocument>(COLLECTIONS.messages)
      .findOne({ role: 'assistant' });
    expect(reply).toMatchObject({ status: 'complete', finishReason: 'length', usage: { completionTokens: 60 } });
    expect(await unreadDatabase.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);
  });
});
