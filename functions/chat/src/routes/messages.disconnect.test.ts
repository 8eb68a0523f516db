// A client that goes away must stop the generation in Ollama itself, not only the forwarding;
// a client that stays but stops reading must not hold it. Proof by Ollama's model runner, which
// uses a core while it generates and none once it has stopped, and by Ollama's own queue: this
// file's Ollama runs one generation at a time (OLLAMA_NUM_PARALLEL=1), so a second request is
// answered only once the first generation has ended. A reply of 40,000 tokens takes the tiny
// model several seconds; the time limits below follow the pace this file measures.
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ollamaMsPerToken } from '../../../../test/support/ollama-pace.ts';
import { askOllamaDirectly, useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
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
/**
 * How long this file's Ollama takes per token, measured here: time limits below are set from
 * it, so that a machine busy with other work slows them down alike.
 */
let msPerToken: number;
/** How long the whole long reply would take: a generation that did not stop would hold Ollama that long. */
const longReplyMs = () => LONG * msPerToken;

beforeAll(async () => {
  // One reply at a time per user: a later request succeeding proves the slot was freed.
  chat = await chatHarness(database, { ollamaHost: ollama.server.host, env: { CHAT_MAX_CONCURRENT_PER_USER: '1' } });
  base = await chat.serve();
  user = await chat.user();
  msPerToken = await ollamaMsPerToken(ollama.server.host);
});

const askOllama = (tokens: number, signal?: AbortSignal) => askOllamaDirectly(ollama.server.host, tokens, signal);

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
    await waitFor(async () => (await stored())?.status === 'complete', Math.max(30_000, 10 * 60 * msPerToken));
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

    // Control: while the reply is generated, the runner works and Ollama cannot answer anyone else.
    expect(await ollama.generating()).toBe(true);
    await expect(askOllama(8, AbortSignal.timeout(1500))).rejects.toThrow();

    client.abort();
    const disconnected = performance.now();
    const stored = async () => messages().findOne({ _id: ObjectId.createFromHexString(messageId) });
    await waitFor(async () => (await stored())?.status === 'incomplete', longReplyMs() / 4);
    const savedAfterMs = performance.now() - disconnected;

    // The generation has really stopped, not just the forwarding: had it not, the runner would
    // work on through the rest of the long reply.
    await ollama.generationStopped(longReplyMs() / 4);
    await ollama.recover();

    const reply = await stored();
    expect(reply?.content.startsWith(received.join(''))).toBe(true);
    expect(reply?.usage).toBeNull();
    expect(savedAfterMs).toBeLessThan(longReplyMs() / 4);
    await waitFor(async () => (await slotsTaken()) === 0, longReplyMs() / 4);
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

    await waitFor(
      async () => (await messages().countDocuments({ conversationId, status: 'incomplete' })) === 1,
      longReplyMs() / 4,
    );
    await ollama.generationStopped(longReplyMs() / 4);
    const reply = await messages().findOne({ conversationId, role: 'assistant' });
    expect(reply?.content.length).toBeGreaterThan(0);
    await waitFor(async () => (await slotsTaken()) === 0, longReplyMs() / 4);
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
    // Five times the pace of Ollama alone: chat also stores the reply as it goes.
    await waitFor(async () => (await reply())?.status === 'complete', Math.max(5000, 5 * 1500 * msPerToken));
    // Ollama is free while the client has read nothing at all.
    expect(await askOllama(8)).toBeLessThan(longReplyMs() / 4);
    await waitFor(async () => (await slotsTaken()) === 0, longReplyMs() / 4);

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
