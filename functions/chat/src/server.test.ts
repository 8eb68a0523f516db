// The chat function as it ships: its bundle in a process of its own, configured by the
// environment, with a token signed the way the auth function signs them.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../../../test/support/bundles.ts';
import { startChatProcess } from '../../../test/support/chat-process.ts';
import type { FunctionProcess } from '../../../test/support/function-process.ts';
import { testServices, useTestDatabase } from '../../../test/support/test-services.ts';
import { allEvents, request, sseEvents, waitFor } from '../test/harness.ts';

const database = useTestDatabase();

beforeAll(() => functionBundle('chat'), 120_000);

async function start(env: Record<string, string> = {}) {
  const chat = await startChatProcess({ mongoUri: database.uri, dbName: database.name, env });
  return { server: chat.process, token: (await chat.user()).token };
}

describe('the chat function process', () => {
  let server: FunctionProcess;
  let token: string;
  beforeAll(async () => {
    ({ server, token } = await start());
  });
  afterAll(() => server.stop());

  it('creates a conversation, streams a reply, and has it in the history', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.baseUrl}${path}`, request(method, token, body));

    const models = (await (await call('GET', '/chat/models')).json()) as { defaultModel: string };
    expect(models.defaultModel).toBe(`${testServices().tinyModel}:latest`);
    const created = await call('POST', '/chat/conversations', { systemPrompt: 'You are terse.' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const streamed = await allEvents(
      await call('POST', `/chat/conversations/${id}/messages`, { content: 'Hi!', options: { num_predict: 12 } }),
    );
    expect(streamed.map((event) => event.event)).toEqual([
      'message.start',
      ...Array(streamed.length - 2).fill('message.delta'),
      'message.done',
    ]);
    const text = streamed
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');

    const conversation = (await (await call('GET', `/chat/conversations/${id}`)).json()) as {
      title: string;
      messages: Array<{ role: string; content: string; status: string }>;
    };
    expect(conversation.title).toBe('Hi!');
    expect(conversation.messages.map(({ role, content, status }) => ({ role, content, status }))).toEqual([
      { role: 'user', content: 'Hi!', status: 'complete' },
      { role: 'assistant', content: text, status: 'complete' },
    ]);
    const listed = (await (await call('GET', '/chat/conversations')).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((item) => item.id)).toEqual([id]);
  });
});

describe('shutting down mid-reply', () => {
  it('cuts the stream after the grace period and still stores the partial reply before exiting 0', async () => {
    const { server, token } = await start({ SHUTDOWN_GRACE_MS: '300' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.baseUrl}${path}`, request(method, token, body));
    const { id } = (await (await call('POST', '/chat/conversations', {})).json()) as { id: string };
    const response = await call('POST', `/chat/conversations/${id}/messages`, {
      content: 'keep going',
      options: { num_predict: 40_000 },
    });
    const events = sseEvents(response);
    let messageId = '';
    while (!messageId) {
      const { value } = await events.next();
      if (value?.event === 'message.start') messageId = String(value.data.messageId);
    }
    const drained = (async () => {
      for await (const _event of events) {
        // Read on until the server cuts the connection.
      }
    })().catch(() => undefined);

    expect(await server.stop('SIGTERM')).toBe(0);
    await drained;
    const messages = database.db.collection<MessageDocument>(COLLECTIONS.messages);
    await waitFor(async () => (await messages.countDocuments({ status: 'incomplete' })) === 1, 2000);
    const reply = await messages.findOne({ role: 'assistant', status: 'incomplete' });
    expect(reply?._id.toHexString()).toBe(messageId);
    expect(reply?.content.length).toBeGreaterThan(0);
    expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);
    expect(server.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'grace period over, closing open connections', 'stopped']),
    );
  });
});
