import { COLLECTIONS } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, testSigningKey } from '../../../../test/support/keys.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  type ChatHarness,
  chatHarness,
  problemOf,
  storedCounts,
  type TestUser,
  tinyModelName,
} from '../../test/harness.ts';

const database = useTestDatabase();
let clock = new Date('2030-01-01T00:00:00Z');
let chat: ChatHarness;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  chat = await chatHarness(database, { now: () => clock });
  alice = await chat.user();
  bob = await chat.user();
});

const tick = () => {
  clock = new Date(clock.getTime() + 1000);
};

async function create(user: TestUser, body: object = {}) {
  const response = await user.call('POST', '/chat/conversations', body);
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; title: string; model: string; updatedAt: string };
}

describe('conversations', () => {
  it('creates one with the default model and title, and reads it back with its messages', async () => {
    const response = await alice.call('POST', '/chat/conversations', {});
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string };
    expect(response.headers.get('location')).toBe(`/chat/conversations/${created.id}`);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: 'New conversation',
      model: tinyModelName(),
      systemPrompt: null,
      pinned: false,
      archived: false,
      createdAt: clock.toISOString(),
      updatedAt: clock.toISOString(),
    });
    const read = await alice.call('GET', `/chat/conversations/${created.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ ...created, currentMessageId: null, messages: [] });
  });

  it('takes a title, a system prompt and a model Ollama has, in any spelling of its tag', async () => {
    const created = await create(alice, {
      title: '  Trip plans ',
      systemPrompt: 'Answer in German.',
      model: 'zerochat-tiny',
    });
    expect(created).toMatchObject({ title: 'Trip plans', systemPrompt: 'Answer in German.', model: tinyModelName() });
  });

  it('refuses a model Ollama does not have with 404 model_not_found and stores nothing', async () => {
    const before = await storedCounts(database);
    const response = await alice.call('POST', '/chat/conversations', { model: 'no-such-model:7b' });
    expect(await problemOf(response)).toEqual({ status: 404, code: 'model_not_found' });
    expect(await storedCounts(database)).toEqual(before);
  });

  it('refuses a model outside the allow-list, even one Ollama has', async () => {
    const limited = await chatHarness(database, {
      env: { ZEROCHAT_MODEL: 'other-default', CHAT_MODELS: 'llama3.2:1b' },
    });
    const carol = await limited.user();
    const before = await storedCounts(database);
    const response = await carol.call('POST', '/chat/conversations', { model: tinyModelName() });
    expect(await problemOf(response)).toEqual({ status: 404, code: 'model_not_found' });
    expect(await storedCounts(database)).toEqual(before);
  });

  it('renames, changes the system prompt, switches and clears, bumping updatedAt', async () => {
    const created = await create(alice, { systemPrompt: 'Be terse.' });
    tick();
    const renamed = await alice.call('PATCH', `/chat/conversations/${created.id}`, { title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({
      title: 'Renamed',
      systemPrompt: 'Be terse.',
      updatedAt: clock.toISOString(),
    });
    const cleared = await alice.call('PATCH', `/chat/conversations/${created.id}`, {
      systemPrompt: null,
      model: 'zerochat-tiny',
    });
    expect(await cleared.json()).toMatchObject({ title: 'Renamed', systemPrompt: null, model: tinyModelName() });
    const unknown = await alice.call('PATCH', `/chat/conversations/${created.id}`, { model: 'gone:1b' });
    expect(await problemOf(unknown)).toEqual({ status: 404, code: 'model_not_found' });
  });

  it('deletes a conversation together with its messages', async () => {
    const created = await create(alice);
    expect((await alice.ask(created.id, 'hello')).status).toBe(200);
    const messages = database.db.collection(COLLECTIONS.messages);
    const conversationId = ObjectId.createFromHexString(created.id);
    expect(await messages.countDocuments({ conversationId })).toBe(2);

    const deleted = await alice.call('DELETE', `/chat/conversations/${created.id}`);
    expect(deleted.status).toBe(204);
    expect(await messages.countDocuments({ conversationId })).toBe(0);
    expect((await alice.call('GET', `/chat/conversations/${created.id}`)).status).toBe(404);
    expect(await problemOf(await alice.call('DELETE', `/chat/conversations/${created.id}`))).toEqual({
      status: 404,
      code: 'not_found',
    });
  });
});

describe('isolation between users', () => {
  it("answers 404 for everything on another user's conversation, and changes nothing", async () => {
    const mine = await create(alice, { title: 'Private' });
    expect((await alice.ask(mine.id, 'secret', 2)).status).toBe(200);
    const before = await (await alice.call('GET', `/chat/conversations/${mine.id}`)).json();
    const counts = await storedCounts(database);

    const attempts = [
      bob.call('GET', `/chat/conversations/${mine.id}`),
      bob.call('PATCH', `/chat/conversations/${mine.id}`, { title: 'Mine now' }),
      bob.call('PATCH', `/chat/conversations/${mine.id}`, { model: 'zerochat-tiny' }),
      bob.call('DELETE', `/chat/conversations/${mine.id}`),
      bob.call('POST', `/chat/conversations/${mine.id}/messages`, { content: 'hi', stream: false }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(await problemOf(response)).toEqual({ status: 404, code: 'not_found' });
    }
    expect(await (await alice.call('GET', `/chat/conversations/${mine.id}`)).json()).toEqual(before);
    expect(await storedCounts(database)).toEqual(counts);

    const bobsList = (await (await bob.call('GET', '/chat/conversations?limit=100')).json()) as {
      items: Array<{ id: string }>;
    };
    expect(bobsList.items.map((item) => item.id)).not.toContain(mine.id);
  });
});

describe('listing', () => {
  it('pages through conversations newest activity first, without gaps or repeats', async () => {
    const dave = await chat.user();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      tick();
      ids.push((await create(dave, { title: `c${i}` })).id);
    }
    // Three more at the very same instant: the id breaks the tie.
    tick();
    for (let i = 5; i < 8; i++) ids.push((await create(dave, { title: `c${i}` })).id);
    // Activity moves a conversation to the top.
    tick();
    await dave.call('PATCH', `/chat/conversations/${ids[0]}`, { title: 'active again' });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=3&cursor=${cursor}` : 'limit=3';
      const response = await dave.call('GET', `/chat/conversations?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen).toEqual([ids[0], ids[7], ids[6], ids[5], ids[4], ids[3], ids[2], ids[1]]);
  });

  it('shows each user only their own conversations', async () => {
    const erin = await chat.user();
    const frank = await chat.user();
    const hers = await create(erin);
    await create(frank);
    const list = (await (await erin.call('GET', '/chat/conversations')).json()) as {
      items: Array<{ id: string }>;
      nextCursor: string | null;
    };
    expect(list).toEqual({ items: [expect.objectContaining({ id: hers.id })], nextCursor: null });
  });
});

describe('bad input', () => {
  const someId = new ObjectId().toHexString();

  it.each([
    ['malformed JSON', 400, 'malformed_json', 'POST', '/chat/conversations', '{"title": "x",'],
    ['an unknown field', 400, 'validation_failed', 'POST', '/chat/conversations', { title: 'x', owner: 'me' }],
    ['an operator object', 400, 'validation_failed', 'POST', '/chat/conversations', { title: { $ne: null } }],
    ['an operator object as model', 400, 'validation_failed', 'POST', '/chat/conversations', { model: { $gt: '' } }],
    ['an empty title', 400, 'validation_failed', 'POST', '/chat/conversations', { title: '   ' }],
    ['a title too long', 400, 'validation_failed', 'POST', '/chat/conversations', { title: 'x'.repeat(201) }],
    [
      'a system prompt too large',
      400,
      'validation_failed',
      'POST',
      '/chat/conversations',
      { systemPrompt: 'x'.repeat(32 * 1024 + 1) },
    ],
    ['a bad id', 400, 'validation_failed', 'GET', '/chat/conversations/not-an-id', undefined],
    ['an operator as id', 400, 'validation_failed', 'GET', '/chat/conversations/{"$ne":null}', undefined],
    ['a bad id to patch', 400, 'validation_failed', 'PATCH', '/chat/conversations/123', { title: 'x' }],
    [
      'a bad id to delete',
      400,
      'validation_failed',
      'DELETE',
      '/chat/conversations/zzzzzzzzzzzzzzzzzzzzzzzz',
      undefined,
    ],
    ['an empty change', 400, 'validation_failed', 'PATCH', `/chat/conversations/${someId}`, {}],
    [
      'an unknown field to change',
      400,
      'validation_failed',
      'PATCH',
      `/chat/conversations/${someId}`,
      { userId: someId },
    ],
    ['a tampered cursor', 400, 'validation_failed', 'GET', '/chat/conversations?cursor=eyJ1IjoxfQ', undefined],
    ['a limit out of range', 400, 'validation_failed', 'GET', '/chat/conversations?limit=1000', undefined],
    ['an unknown query parameter', 400, 'validation_failed', 'GET', '/chat/conversations?userId=x', undefined],
  ])('answers %s with %i %s and stores nothing', async (_name, status, code, method, path, body) => {
    const before = await storedCounts(database);
    expect(await problemOf(await alice.call(method, path, body))).toEqual({ status, code });
    expect(await storedCounts(database)).toEqual(before);
  });

  it('needs a valid access token on every route, and a user id as its subject', async () => {
    const paths = [
      ['GET', '/chat/models'],
      ['GET', '/chat/conversations'],
      ['POST', '/chat/conversations'],
      ['GET', `/chat/conversations/${someId}`],
      ['PATCH', `/chat/conversations/${someId}`],
      ['DELETE', `/chat/conversations/${someId}`],
      ['POST', `/chat/conversations/${someId}/messages`],
    ];
    for (const [method, path] of paths) {
      const response = await chat.app.request(path as string, { method });
      expect(await problemOf(response)).toEqual({ status: 401, code: 'token_missing' });
    }
    const strangerKey = await testSigningKey('stranger');
    const forged = await signAccessToken(strangerKey, { claims: { sub: someId } });
    const wrongKey = await chat.app.request('/chat/conversations', { headers: { authorization: `Bearer ${forged}` } });
    expect(await problemOf(wrongKey)).toEqual({ status: 401, code: 'token_key_unknown' });
    const notAUser = await chat.sign({ sub: 'user-1' });
    const badSubject = await chat.app.request('/chat/conversations', {
      headers: { authorization: `Bearer ${notAUser}` },
    });
    expect(await problemOf(badSubject)).toEqual({ status: 401, code: 'token_claims_invalid' });
    // The API docs stay public.
    expect((await chat.app.request('/chat/openapi.json')).status).toBe(200);
  });
});
