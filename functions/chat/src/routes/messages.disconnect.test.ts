// A client that goes away must stop the generation in Ollama itself, not only the forwarding;
// a client that stays but stops reading must not hold it. Proof by Ollama's own queue: this
// file's Ollama runs one generation at a time (OLLAMA_NUM_PARALLEL=1), so a second request is
// answered only once the first generation has ended. A reply of 40,000 tokens takes the tiny
// model about a minute here.
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  allEvents,
  type ChatHarness,
  chatHarness,
  request,
  sseEvents,
  type TestUser,
  waitFor,
} from '../../test/harness.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '1' });
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);
const LONG = 40_000;

let chat: ChatHarness;
let base: string;
let user: TestUser;

beforeAll(async () => {
  // One reply at a time per user: a later request succeeding proves the slot was freed.
  chat = await chatHarness(database, { ollamaHost: ollama.server.host, env: { CHAT_MAX_CONCURRENT_PER_USER: '1' } });
  base = await chat.serve();
  user = await chat.user();
  await askOllama(4); // Loads the model, so the timings below measure generation only.
});

/** A short reply straight from this file's Ollama; resolves with how long it took, in ms. */
async function askOllama(tokens: number, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${ollama.server.host}/api/chat`, {
    method: 'POST',
    body: JSON.stringify({
      model: testServices().tinyModel,
      messages: [{ role: 'user', content: 'ping' }],
      stream: false,
      options: { num_predict: tokens },
    }),
    ...(signal ? { signal } : {}),
  });
  expect(response.status).toBe(200);
  await response.json();
  return performance.now() - started;
}

const slotsTaken = () => database.db.collection(COLLECTIONS.generationSlots).countDocuments();

describe('a client that disconnects', () => {
  it('mid-stream, by default, leaves the reply generating to its end, stored whole and readable again', async () => {
    const id = await user.newConversation();
    const client = new AbortController();
    const response = await fetch(
      `${base}/chat/conversations/${id}/messages`,
      request('POST', user.token, { content: 'keep going', options: { num_predict: 60 } }, client.signal),
    );
    const events = sseEvents(response);
    const start = await events.next();
    const messageId = String(start.value?.data.messageId);
    await events.next();
    client.abort();
    const stored = async () => messages().findOne({ _id: ObjectId.createFromHexString(messageId) });
    await waitFor(async () => (await stored())?.status === 'complete', 30_000);
    expect(await stored()).toMatchObject({ finishReason: 'length', usage: { completionTokens: 60 } });
    await waitFor(async () => (await slotsTaken()) === 0, 2000);
    const again = await fetch(
      `${base}/chat/conversations/${id}/messages/${messageId}/events`,
      request('GET', user.token),
    );
    const read = await allEvents(again);
    expect(read.map((event) => event.event)).toEqual(['message.start', 'message.delta', 'message.done']);
    expect(read[1]?.data.content).toBe((await stored())?.content);
  });

  it('mid-stream, with cancelOnDisconnect, stops the generation in Ollama at once, keeps the partial reply as incomplete, frees the slot', async () => {
    const id = await user.newConversation();
    const client = new AbortController();
    const response = await fetch(
      `${base}/chat/conversations/${id}/messages`,
      request(
        'POST',
        user.token,
        { content: 'tell me everything', cancelOnDisconnect: true, options: { num_predict: LONG } },
        client.signal,
      ),
    );
    expect(response.status).toBe(200);
    let messageId = '';
    const received: string[] = [];
    // Read by hand: leaving a for-await loop would cancel the body, a disconnect of its own.
    const events = sseEvents(response);
    while (received.length < 20) {
      const { value: event } = await events.next();
      if (event?.event === 'message.start') messageId = String(event.data.messageId);
      if (event?.event === 'message.delta') received.push(String(event.data.content));
    }

    // Control: while the reply is generated, Ollama cannot answer anyone else.
    await expect(askOllama(8, AbortSignal.timeout(1500))).rejects.toThrow();

    client.abort();
    const disconnected = performance.now();
    const stored = async () => messages().findOne({ _id: ObjectId.createFromHexString(messageId) });
    await waitFor(async () => (await stored())?.status === 'incomplete', 2000);
    const savedAfterMs = performance.now() - disconnected;

    // Ollama is free again: the generation has really stopped, not just the forwarding.
    const nextMs = await askOllama(8);
    expect(nextMs).toBeLessThan(3000);

    const reply = await stored();
    expect(reply?.content.startsWith(received.join(''))).toBe(true);
    expect(reply?.usage).toBeNull();
    expect(savedAfterMs).toBeLessThan(2000);
    await waitFor(async () => (await slotsTaken()) === 0, 2000);
    const userMessage = await messages().findOne({ conversationId: ObjectId.createFromHexString(id), role: 'user' });
    expect(userMessage).toMatchObject({ content: 'tell me everything', status: 'complete' });

    // The slot is free (the limit is 1) and the conversation goes on, the cut reply in its history.
    expect((await user.ask(id, 'and now?')).status).toBe(200);
  });

  it('while waiting for a stream: false reply, with cancelOnDisconnect, stops the generation too and keeps what was generated', async () => {
    const id = await user.newConversation();
    const client = new AbortController();
    const pending = fetch(
      `${base}/chat/conversations/${id}/messages`,
      request(
        'POST',
        user.token,
        { content: 'in one piece', stream: false, cancelOnDisconnect: true, options: { num_predict: LONG } },
        client.signal,
      ),
    ).catch((error: unknown) => error);
    const conversationId = ObjectId.createFromHexString(id);
    await waitFor(async () => (await messages().countDocuments({ conversationId, status: 'pending' })) === 1);
    await sleep(500);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);

    await waitFor(async () => (await messages().countDocuments({ conversationId, status: 'incomplete' })) === 1, 2000);
    expect(await askOllama(8)).toBeLessThan(3000);
    const reply = await messages().findOne({ conversationId, role: 'assistant' });
    expect(reply?.content.length).toBeGreaterThan(0);
    await waitFor(async () => (await slotsTaken()) === 0, 2000);
  });
});

describe('a client that stops reading', () => {
  it('does not hold the model: the reply is generated and stored at its pace, and delivered later', async () => {
    const id = await user.newConversation();
    // In-process, the response body is a stream nobody reads: writes back up after its first
    // chunk, much as a socket's buffers fill behind a client that does not read.
    const response = await user.call('POST', `/chat/conversations/${id}/messages`, {
      content: 'a long one, read later',
      options: { num_predict: 1500 },
    });
    expect(response.status).toBe(200);
    const conversationId = ObjectId.createFromHexString(id);
    const reply = () => messages().findOne({ conversationId, role: 'assistant' });
    await waitFor(async () => (await reply())?.status === 'complete', 20_000);
    // Ollama is free while the client has read nothing at all.
    expect(await askOllama(8)).toBeLessThan(3000);
    await waitFor(async () => (await slotsTaken()) === 0, 2000);

    const events = [];
    for await (const event of sseEvents(response)) events.push(event);
    expect(events.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'length' } });
    const streamed = events
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');
    expect(streamed).toBe((await reply())?.content);
  });
});
