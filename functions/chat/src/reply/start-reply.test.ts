// The reply without HTTP: its events, their ids, and what it stores.
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { createLifecycle, MetricsRegistry, parseConfig } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { waitFor } from '../../../../test/support/wait-for.ts';
import { type ChatContext, createChatContext } from '../chat-context.ts';
import { chatConfigSchema } from '../config.ts';
import { createModelServer } from '../model-server.ts';
import type { ReplyEvent } from './reply-events.ts';
import { startReply } from './start-reply.ts';

const database = useTestDatabase();
const { log } = captureLog();
let chat: ChatContext;
/** The same, on an Ollama that takes 5 s to answer: a model still loading. */
let loading: ChatContext;

beforeAll(() => {
  const settings = parseConfig(chatConfigSchema, {
    MONGODB_URI: database.uri,
    AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
    OLLAMA_HOST: testServices().ollamaHost,
    ZEROCHAT_MODEL: testServices().tinyModel,
    CHAT_TITLES: 'false',
  });
  const context = (slow: boolean) =>
    createChatContext({
      settings,
      db: database.db,
      models: createModelServer({
        host: settings.OLLAMA_HOST,
        fetch: async (input, init) => {
          if (slow) await sleep(5000, undefined, { signal: init?.signal ?? undefined });
          return fetch(input, init);
        },
      }),
      lifecycle: createLifecycle(),
      log,
      metrics: new MetricsRegistry(),
      now: () => new Date(),
    });
  chat = context(false);
  loading = context(true);
});

async function readAll(events: AsyncGenerator<ReplyEvent>): Promise<ReplyEvent[]> {
  const read: ReplyEvent[] = [];
  for await (const event of events) read.push(event);
  return read;
}

async function conversationOf(userId: ObjectId) {
  const conversation = await chat.store.createConversation({
    userId,
    title: 'New conversation',
    model: chat.settings.ZEROCHAT_MODEL,
    systemPrompt: null,
  });
  return conversation._id;
}

describe('a reply', () => {
  it('yields start, deltas and done, numbered by the length of its text, to every reader alike', async () => {
    const userId = new ObjectId();
    const conversationId = await conversationOf(userId);
    const reply = await startReply(
      chat,
      {
        userId,
        conversationId,
        target: { kind: 'message', content: 'hi' },
        options: { num_predict: 12 },
      },
      log,
    );
    if (!reply) throw new Error('the reply did not start');
    const [first, second, finished] = await Promise.all([
      readAll(reply.events()),
      readAll(reply.events()),
      reply.finished,
    ]);
    expect(second).toEqual(first);
    expect(first[0]).toMatchObject({ event: 'message.start', id: '0' });
    expect(first.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'length' } });
    let text = '';
    for (const event of first) {
      if (event.event === 'message.delta') text += event.data.content;
      expect(event.id).toBe(String(text.length));
    }
    expect(finished).toMatchObject({ content: text, status: 'complete', finishReason: 'length' });
    const stored = await database.db
      .collection<MessageDocument>(COLLECTIONS.messages)
      .findOne({ _id: reply.message._id });
    expect(stored).toMatchObject({ content: text, status: 'complete' });
  });

  it('stopped from elsewhere before its first token, is kept as stopped, empty, within a second', async () => {
    const userId = new ObjectId();
    const conversationId = await conversationOf(userId);
    const starting = startReply(
      loading,
      { userId, conversationId, target: { kind: 'message', content: 'hi' }, options: {} },
      log,
    );
    const messages = database.db.collection<MessageDocument>(COLLECTIONS.messages);
    await waitFor(async () => (await messages.countDocuments({ conversationId, status: 'pending' })) === 1);
    const pending = await messages.findOne({ conversationId, status: 'pending' });
    const asked = performance.now();
    expect(await loading.store.requestStop(pending?._id ?? new ObjectId())).toBe(true);
    const reply = await starting;
    if (!reply) throw new Error('the reply was dropped');
    const events = await readAll(reply.events());
    expect(performance.now() - asked).toBeLessThan(1000);
    expect(events.map((event) => event.event)).toEqual(['message.start', 'message.done']);
    expect(await reply.finished).toMatchObject({ content: '', status: 'incomplete', finishReason: 'cancelled' });
    expect(await messages.findOne({ _id: pending?._id })).toMatchObject({
      status: 'incomplete',
      finishReason: 'cancelled',
    });
  });

  it('throws the problem when it cannot start, and leaves nothing behind', async () => {
    const userId = new ObjectId();
    const conversationId = await conversationOf(userId);
    await database.db
      .collection(COLLECTIONS.conversations)
      .updateOne({ _id: conversationId }, { $set: { model: 'vanished:latest' } });
    await expect(
      startReply(
        chat,
        {
          userId,
          conversationId,
          target: { kind: 'message', content: 'hi' },
          options: {},
          disconnected: new AbortController().signal,
        },
        log,
      ),
    ).rejects.toMatchObject({ code: 'model_not_found' });
    expect(await database.db.collection(COLLECTIONS.messages).countDocuments({ conversationId })).toBe(0);
    expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments({ userId })).toBe(0);
    // Another message sent at once could follow the same one: where the branch ends is read again.
    const conversation = await database.db.collection(COLLECTIONS.conversations).findOne({ _id: conversationId });
    expect(conversation).not.toHaveProperty('currentIsLeaf');
  });
});
