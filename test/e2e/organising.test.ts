// A user organising their conversations through the chat function's production bundle, two
// instances of it on one database as on Knative: defaults set on one apply on the other, a
// message written through one is found by a search on the other, pins and the archive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatProcess, startChatProcess } from '../support/chat-process.ts';
import { useTestDatabase } from '../support/test-services.ts';

const database = useTestDatabase();
const instances: ChatProcess[] = [];
beforeAll(async () => {
  const first = await startChatProcess({ mongoUri: database.uri, dbName: database.name });
  // The second trusts the same key, as every instance of one deployment does.
  instances.push(first, await startChatProcess({ mongoUri: database.uri, dbName: database.name, key: first.key }));
});
afterAll(async () => {
  for (const instance of instances) await instance.process.stop();
});

describe('organising conversations across two chat instances', () => {
  it('applies defaults, finds what was written elsewhere, pins and archives', async () => {
    const [one, two] = instances as [ChatProcess, ChatProcess];
    const { token } = await one.user();

    const defaults = await one.client.json('PUT', '/chat/settings', {
      token,
      body: { systemPrompt: 'Answer in one line.', options: { num_predict: 3, top_k: 10, repeat_penalty: 1.2 } },
    });
    expect(defaults.status).toBe(200);

    const created = await two.client.json<{ id: string; systemPrompt: string }>('POST', '/chat/conversations', {
      token,
      body: { title: 'Groceries' },
    });
    expect(created.body.systemPrompt).toBe('Answer in one line.');
    const reply = await two.client.json<{ usage: { completionTokens: number } }>(
      'POST',
      `/chat/conversations/${created.body.id}/messages`,
      { token, body: { content: 'Remind me to buy Quark and rye flour.', stream: false } },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.usage.completionTokens).toBe(3);

    const other = await one.client.json<{ id: string }>('POST', '/chat/conversations', {
      token,
      body: { title: 'Holidays' },
    });
    type Page = { items: Array<{ id: string; title: string; match?: { role: string; snippet: string } | null }> };
    const found = await one.client.json<Page>('GET', '/chat/conversations?q=rye%20FLOUR', { token });
    expect(found.body.items).toEqual([
      expect.objectContaining({
        id: created.body.id,
        match: expect.objectContaining({ role: 'user', snippet: 'Remind me to buy Quark and rye flour.' }),
      }),
    ]);

    expect(
      (await two.client.call('PATCH', `/chat/conversations/${created.body.id}`, { token, body: { pinned: true } }))
        .status,
    ).toBe(200);
    const listed = await one.client.json<Page>('GET', '/chat/conversations', { token });
    expect(listed.body.items.map((item) => item.title)).toEqual(['Groceries', 'Holidays']);

    expect(
      (await one.client.call('PATCH', `/chat/conversations/${other.body.id}`, { token, body: { archived: true } }))
        .status,
    ).toBe(200);
    expect(
      (await two.client.json<Page>('GET', '/chat/conversations', { token })).body.items.map((item) => item.title),
    ).toEqual(['Groceries']);
    expect(
      (await two.client.json<Page>('GET', '/chat/conversations?archived=true', { token })).body.items.map(
        (item) => item.title,
      ),
    ).toEqual(['Holidays']);
  });
});
