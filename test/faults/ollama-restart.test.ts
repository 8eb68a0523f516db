// Ollama killed (SIGKILL, as a crash or an OOM kill) while a chat process streams several
// replies, then started again: every affected stream ends with an error event, requests that
// need no model keep working, and later messages succeed once Ollama is back.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useChatOnOwnOllama } from '../support/chat-process.ts';
import { type SseEvent, sseEvents } from '../support/sse.ts';

// Four replies at once, generated side by side by an Ollama this file may kill.
const own = useChatOnOwnOllama();
const { database, ollama } = own;

/** A long reply, read in the background; resolves with every event once the stream ends. */
async function openLongReply(token: string, conversationId: string) {
  const response = await own.chat.client.call('POST', `/chat/conversations/${conversationId}/messages`, {
    token,
    body: { content: 'a very long story, please', options: { num_predict: 40_000 } },
  });
  expect(response.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = sseEvents(response);
  // The reply is under way once text arrives.
  while (events.filter((event) => event.event === 'message.delta').length < 3) {
    const next = await reader.next();
    if (next.done) break;
    events.push(next.value);
  }
  const ended = (async () => {
    for await (const event of reader) events.push(event);
    return events;
  })();
  return { conversationId, ended };
}

describe('Ollama killed and restarted during concurrent streams', () => {
  it('ends each affected stream with an error event; other requests and later messages succeed', async () => {
    const writers = [await own.chat.user(), await own.chat.user()];
    const reader = await own.chat.user();
    const newConversation = async (token: string) =>
      (await own.chat.client.json<{ id: string }>('POST', '/chat/conversations', { token, body: {} })).body.id;
    const streams = await Promise.all(
      writers.flatMap((user) => [0, 1].map(async () => openLongReply(user.token, await newConversation(user.token)))),
    );

    await ollama.server.kill();
    const ended = await Promise.all(streams.map((stream) => stream.ended));

    // Requests that need no model are not affected.
    const readerConversation = await newConversation(reader.token);
    expect((await own.chat.client.call('GET', '/chat/conversations', { token: reader.token })).status).toBe(200);
    expect(
      (await own.chat.client.call('GET', `/chat/conversations/${readerConversation}`, { token: reader.token })).status,
    ).toBe(200);
    expect((await own.chat.client.call('GET', '/readyz')).status).toBe(200);

    for (const events of ended) {
      expect(events.at(-1)).toMatchObject({
        event: 'error',
        data: { code: expect.stringMatching(/^upstream_(unavailable|error)$/) },
      });
      expect(events.some((event) => event.event === 'message.done')).toBe(false);
    }
    const messages = database.db.collection<MessageDocument>(COLLECTIONS.messages);
    for (const [index, stream] of streams.entries()) {
      const reply = await messages.findOne({
        conversationId: ObjectId.createFromHexString(stream.conversationId),
        role: 'assistant',
      });
      const streamed = (ended[index] ?? [])
        .filter((event) => event.event === 'message.delta')
        .map((event) => event.data.content)
        .join('');
      expect(reply?.status).toBe('error');
      expect(reply?.content.startsWith(streamed)).toBe(true);
    }
    expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);

    // While Ollama is down, a new message is refused up front and leaves nothing behind.
    const refused = await own.chat.client.json('POST', `/chat/conversations/${readerConversation}/messages`, {
      token: reader.token,
      body: { content: 'anyone there?' },
    });
    expect(refused).toMatchObject({ status: 503, body: { code: 'upstream_unavailable' } });

    await ollama.server.start();
    for (const user of [...writers, reader]) {
      const again = await own.chat.client.call(
        'POST',
        `/chat/conversations/${await newConversation(user.token)}/messages`,
        {
          token: user.token,
          body: { content: 'and now?', options: { num_predict: 8 } },
        },
      );
      expect(again.status).toBe(200);
      const events: SseEvent[] = [];
      for await (const event of sseEvents(again)) events.push(event);
      expect(events.at(-1)?.event).toBe('message.done');
    }
    expect(await messages.countDocuments({ conversationId: ObjectId.createFromHexString(readerConversation) })).toBe(0);
  });
});
