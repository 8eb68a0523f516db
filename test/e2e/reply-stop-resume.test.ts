// Stop and resume across instances, as on Knative where the stop or the reconnect may reach
// another pod than the one generating: two chat processes (production bundles) on one
// database and one Ollama of this file's own, which generates one reply at a time, so that
// "Ollama is free again" proves the generation really stopped.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useChatInstances } from '../support/chat-instances.ts';
import { askOllamaDirectly, useOwnOllama } from '../support/own-ollama.ts';
import { allEvents, type SseEvent, sseEvents } from '../support/sse.ts';
import { useTestDatabase } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '1' });
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);
const instances = useChatInstances(database, ollama);

beforeAll(async () => {
  await askOllamaDirectly(ollama.server.host, 4); // Loads the model, so the timings below measure generation only.
});

/** Starts a reply on the generating instance and reads `count` events of it. */
async function startReading(id: string, tokens: number, count: number) {
  const response = await instances.generating.client.call('POST', `/chat/conversations/${id}/messages`, {
    token: instances.user.token,
    body: { content: 'tell me a long story', options: { num_predict: tokens } },
  });
  expect(response.status).toBe(200);
  const events = sseEvents(response, { ids: true });
  const read: SseEvent[] = [];
  while (read.length < count) {
    const { value } = await events.next();
    if (value) read.push(value);
  }
  return { events, read, messageId: String(read[0]?.data.messageId) };
}

const text = (events: SseEvent[]) =>
  events
    .filter((event) => event.event === 'message.delta')
    .map((event) => event.data.content)
    .join('');

describe('stop', () => {
  it('sent to another instance ends the generation in Ollama within a second and keeps the text as incomplete', async () => {
    const id = await instances.conversation();
    const { events, read, messageId } = await startReading(id, 40_000, 10);

    const asked = performance.now();
    const stop = await instances.other.client.json<{ status: string; content: string; finishReason: string }>(
      'POST',
      `/chat/conversations/${id}/messages/${messageId}/stop`,
      { token: instances.user.token },
    );
    const stoppedMs = performance.now() - asked;
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ status: 'incomplete', finishReason: 'cancelled' });
    expect(stoppedMs).toBeLessThan(1000);
    // The generation has stopped, not only its forwarding: Ollama's runner is idle, where the
    // rest of 40,000 tokens would keep it working for minutes.
    await ollama.generationStopped(10_000);
    await ollama.recover();

    for await (const event of events) read.push(event);
    expect(read.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'cancelled', usage: null } });
    expect(text(read)).toBe(stop.body.content);
    expect(stop.body.content.length).toBeGreaterThan(0);
    await waitFor(async () => (await database.db.collection(COLLECTIONS.generationSlots).countDocuments()) === 0);

    // Stopping it again changes nothing and says how it ended.
    const again = await instances.other.client.json('POST', `/chat/conversations/${id}/messages/${messageId}/stop`, {
      token: instances.user.token,
    });
    expect(again).toMatchObject({ status: 200, body: { status: 'incomplete', content: stop.body.content } });
  });
});

describe('resume', () => {
  it('on another instance, with Last-Event-ID, while the reply is generated: the rest, then done', async () => {
    const id = await instances.conversation();
    const { events, read, messageId } = await startReading(id, 60, 6);
    await events.return(undefined); // The page is reloaded: the reply goes on without a reader.
    const lastId = read.at(-1)?.id ?? '';
    expect(Number(lastId)).toBe(text(read).length);

    const resumed = await instances.other.client.call('GET', `/chat/conversations/${id}/messages/${messageId}/events`, {
      token: instances.user.token,
      headers: { 'last-event-id': lastId },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toBe('text/event-stream');
    const rest = await allEvents(resumed, { ids: true });
    expect(rest[0]?.event).toBe('message.delta');
    expect(rest.at(-1)).toMatchObject({ event: 'message.done', data: { messageId, finishReason: 'length' } });
    const stored = await messages().findOne({ _id: ObjectId.createFromHexString(messageId) });
    expect(stored?.status).toBe('complete');
    expect(text(read) + text(rest)).toBe(stored?.content);
    // Each id is how much of the text a reader has once it has read that event.
    expect(Number(rest.at(-1)?.id)).toBe(stored?.content.length);
  });

  it('on either instance after the end, without Last-Event-ID: start, the whole text, done', async () => {
    const id = await instances.conversation();
    const first = await instances.generating.client.call('POST', `/chat/conversations/${id}/messages`, {
      token: instances.user.token,
      body: { content: 'short', options: { num_predict: 12 } },
    });
    const streamed = await allEvents(first);
    const messageId = String(streamed[0]?.data.messageId);
    for (const instance of [instances.generating, instances.other]) {
      const again = await allEvents(
        await instance.client.call('GET', `/chat/conversations/${id}/messages/${messageId}/events`, {
          token: instances.user.token,
        }),
      );
      expect(again.map((event) => event.event)).toEqual(['message.start', 'message.delta', 'message.done']);
      expect(again[1]?.data.content).toBe(text(streamed));
      expect(again[2]).toEqual(streamed.at(-1));
    }
  });

  it('refuses a Last-Event-ID that is not an event id, and a user message, changing nothing', async () => {
    const id = await instances.conversation();
    const first = await allEvents(
      await instances.generating.client.call('POST', `/chat/conversations/${id}/messages`, {
        token: instances.user.token,
        body: { content: 'hi', options: { num_predict: 2 } },
      }),
    );
    const { messageId, userMessageId } = (first[0]?.data ?? {}) as { messageId?: string; userMessageId?: string };
    const bad = await instances.other.client.json('GET', `/chat/conversations/${id}/messages/${messageId}/events`, {
      token: instances.user.token,
      headers: { 'last-event-id': '-1' },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const notReply = await instances.other.client.json(
      'GET',
      `/chat/conversations/${id}/messages/${userMessageId}/events`,
      {
        token: instances.user.token,
      },
    );
    expect(notReply).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});
