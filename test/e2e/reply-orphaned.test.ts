// A reply whose instance dies mid-generation (killed by pid, as a crashed pod): nothing will
// ever end it there, so another instance does once the reply's generation lease has lapsed,
// on a stop or on the next read. Two chat processes (production bundles) on one database and
// an Ollama of this file's own that generates both replies side by side.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useChatInstances } from '../support/chat-instances.ts';
import { useOwnOllama } from '../support/own-ollama.ts';
import { allEvents, type SseEvent, sseEvents } from '../support/sse.ts';
import { useTestDatabase } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '2' });
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);
// Short, so that a dead instance's replies count as ended soon (renewed every third of it).
const LEASE_MS = 3000;
const instances = useChatInstances(database, ollama, { CHAT_GENERATION_LEASE_MS: String(LEASE_MS) });

/** Starts a long reply on the generating instance and reads a few events of it. */
async function startReading(id: string): Promise<string> {
  const response = await instances.generating.client.call('POST', `/chat/conversations/${id}/messages`, {
    token: instances.user.token,
    body: { content: 'tell me a long story', options: { num_predict: 40_000 } },
  });
  expect(response.status).toBe(200);
  const events = sseEvents(response);
  const read: SseEvent[] = [];
  while (read.length < 5) {
    const { value } = await events.next();
    if (value) read.push(value);
  }
  return String(read[0]?.data.messageId);
}

const stored = (messageId: string) => messages().findOne({ _id: ObjectId.createFromHexString(messageId) });

describe('a reply whose instance died', () => {
  it('is stopped as incomplete by a stop sent to another instance, and ended as failed by a read there', async () => {
    const [stopped, read] = [await instances.conversation(), await instances.conversation()];
    const stoppedId = await startReading(stopped);
    const readId = await startReading(read);
    // Both have text stored, as a reply in progress saves it.
    await waitFor(
      async () =>
        ((await stored(stoppedId))?.content.length ?? 0) > 0 && ((await stored(readId))?.content.length ?? 0) > 0,
    );

    await instances.generating.process.stop('SIGKILL');
    expect(await stored(stoppedId)).toMatchObject({ status: 'pending' });

    // The stop answers 200, not 202 ("requested"): nobody else would ever end this reply.
    const stop = await instances.other.client.json<{ status: string; finishReason: string; content: string }>(
      'POST',
      `/chat/conversations/${stopped}/messages/${stoppedId}/stop`,
      { token: instances.user.token },
    );
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ status: 'incomplete', finishReason: 'cancelled' });
    expect(stop.body.content.length).toBeGreaterThan(0);
    expect(await stored(stoppedId)).toMatchObject({
      status: 'incomplete',
      finishReason: 'cancelled',
      content: stop.body.content,
    });

    // Reading the other one from the start: its text so far, then an error that says why.
    const events = await allEvents(
      await instances.other.client.call('GET', `/chat/conversations/${read}/messages/${readId}/events`, {
        token: instances.user.token,
      }),
    );
    expect(events.map((event) => event.event)).toEqual(['message.start', 'message.delta', 'error']);
    expect(events.at(-1)?.data).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(String(events.at(-1)?.data.detail)).toMatch(/went away/);
    const failed = await stored(readId);
    expect(failed).toMatchObject({ status: 'error', usage: null });
    expect(events[1]?.data.content).toBe(failed?.content);
    const view = await instances.other.client.json<{ messages: Array<{ id: string; status: string }> }>(
      'GET',
      `/chat/conversations/${read}`,
      { token: instances.user.token },
    );
    expect(view.body.messages.at(-1)).toMatchObject({ id: readId, status: 'error' });

    // Its generation slots came free with the leases: the user's next reply is taken.
    const next = await instances.other.client.call('POST', `/chat/conversations/${read}/messages`, {
      token: instances.user.token,
      body: { content: 'again', stream: false, options: { num_predict: 4 } },
    });
    expect(next.status).toBe(200);
  });

  it('is told apart from a reply in progress, which a read elsewhere leaves pending', async () => {
    const id = await instances.conversation();
    // A reply of a live instance is never ended by a read elsewhere: only one whose lease lapsed.
    const response = await instances.other.client.call('POST', `/chat/conversations/${id}/messages`, {
      token: instances.user.token,
      body: { content: 'a story', options: { num_predict: 40_000 } },
    });
    const events = sseEvents(response);
    const start = (await events.next()).value;
    const messageId = String(start?.data.messageId);
    const view = await instances.other.client.json<{ messages: Array<{ id: string; status: string }> }>(
      'GET',
      `/chat/conversations/${id}`,
      { token: instances.user.token },
    );
    expect(view.body.messages.at(-1)).toMatchObject({ id: messageId, status: 'pending' });
    const stop = await instances.other.client.json('POST', `/chat/conversations/${id}/messages/${messageId}/stop`, {
      token: instances.user.token,
    });
    expect(stop).toMatchObject({ status: 200, body: { status: 'incomplete' } });
    await events.return(undefined);
  });
});
