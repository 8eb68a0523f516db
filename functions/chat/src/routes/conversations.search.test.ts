import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, problemOf, type TestUser } from '../../test/harness.ts';

const database = useTestDatabase();

interface Listed {
  id: string;
  title: string;
  pinned: boolean;
  archived: boolean;
  updatedAt: string;
  match?: { messageId: string; role: string; snippet: string } | null;
}
interface Page {
  items: Listed[];
  nextCursor: string | null;
}

async function list(user: TestUser, query: string): Promise<Page> {
  const response = await user.call('GET', `/chat/conversations?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

/** Every page of a query, following the cursors. */
async function listAll(user: TestUser, query: string, limit: number): Promise<Listed[]> {
  const items: Listed[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(user, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const search = (user: TestUser, q: string) => list(user, `q=${encodeURIComponent(q)}`);

let chat: ChatHarness;
beforeAll(async () => {
  chat = await chatHarness(database);
});

describe('search', () => {
  it('finds conversations by title or by what a message says, literally and whatever the case, newest match first', async () => {
    const user = await chat.user();
    const trip = await user.newConversation({ title: 'Trip to Lisbon' });
    const maths = await user.newConversation({ title: 'Maths' });
    const other = await user.newConversation({ title: 'Other things' });
    expect((await user.ask(maths, 'Is (a+b)*c the same as a*c + b*c?')).status).toBe(200);
    expect((await user.ask(maths, 'And what about (A+B)*C squared?')).status).toBe(200);
    expect((await user.ask(other, 'Nothing special here, just aXb.')).status).toBe(200);

    const byTitle = await search(user, 'lisbon');
    expect(byTitle.items.map((item) => [item.id, item.match])).toEqual([[trip, null]]);

    // Pattern characters are text: "(a+b)*c" is found as written, case aside, and ".*" finds nothing.
    const byContent = await search(user, '(a+b)*C');
    expect(byContent.items.map((item) => item.id)).toEqual([maths]);
    expect(byContent.items[0]?.match).toMatchObject({ role: 'user', snippet: 'And what about (A+B)*C squared?' });
    expect((await search(user, '.*')).items).toEqual([]);
    expect((await search(user, 'a.b')).items).toEqual([]);

    // Another user's conversations are never found.
    expect((await search(await chat.user(), 'Lisbon')).items).toEqual([]);
  });

  it('finds a reply by its text, and no longer finds a deleted conversation', async () => {
    const user = await chat.user();
    const id = await user.newConversation();
    const reply = (await (await user.ask(id, 'Say anything.', 24)).json()) as {
      message: { id: string; content: string };
    };
    const words = reply.message.content.replace(/\s+/g, ' ').trim();
    const phrase = words.slice(Math.floor(words.length / 3), Math.floor(words.length / 3) + 12);
    const found = await search(user, phrase);
    expect(found.items.map((item) => item.id)).toEqual([id]);
    expect(found.items[0]?.match).toMatchObject({ messageId: reply.message.id, role: 'assistant' });

    expect((await user.call('DELETE', `/chat/conversations/${id}`)).status).toBe(204);
    expect((await search(user, phrase)).items).toEqual([]);
  });

  it('finds messages stored before the index existed, building it once', async () => {
    const user = await chat.user();
    const id = await user.newConversation({ title: 'Old one' });
    const message: MessageDocument = {
      _id: new ObjectId(),
      conversationId: new ObjectId(id),
      userId: user.id,
      role: 'user',
      content: 'A sourdough starter from last year',
      status: 'complete',
      model: null,
      usage: null,
      createdAt: new Date(),
    };
    await database.db.collection<MessageDocument>(COLLECTIONS.messages).insertOne(message);
    const found = await search(user, 'SOURDOUGH');
    expect(found.items.map((item) => [item.id, item.match?.messageId])).toEqual([[id, message._id.toHexString()]]);
    expect(await database.db.collection(COLLECTIONS.searchIndex).countDocuments({ _id: user.id })).toBeLessThanOrEqual(
      1,
    );
  });

  it('pages through the matches without gaps or repeats', async () => {
    const user = await chat.user();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await user.newConversation({ title: `Needle ${i}` }));
    await user.newConversation({ title: 'Haystack' });
    const found = await listAll(user, 'q=needle', 2);
    expect(found.map((item) => item.id)).toEqual([...ids].reverse());
  });
});

describe('pins and the archive', () => {
  async function patch(user: TestUser, id: string, body: object): Promise<Listed> {
    const response = await user.call('PATCH', `/chat/conversations/${id}`, body);
    expect(response.status).toBe(200);
    return (await response.json()) as Listed;
  }

  it('lists pinned ones first, hides archived ones unless asked, and neither counts as activity', async () => {
    const user = await chat.user();
    const [a, b, c, d] = [
      await user.newConversation({ title: 'a' }),
      await user.newConversation({ title: 'b' }),
      await user.newConversation({ title: 'c' }),
      await user.newConversation({ title: 'd' }),
    ];
    const before = (await list(user, 'limit=10')).items;
    expect(before.map((item) => item.title)).toEqual(['d', 'c', 'b', 'a']);

    const pinned = await patch(user, a as string, { pinned: true });
    expect(pinned).toMatchObject({ pinned: true, archived: false });
    expect(pinned.updatedAt).toBe(before.find((item) => item.id === a)?.updatedAt);
    await patch(user, b as string, { pinned: true });
    await patch(user, c as string, { archived: true });

    expect((await list(user, 'limit=10')).items.map((item) => item.title)).toEqual(['b', 'a', 'd']);
    expect((await list(user, 'archived=true')).items.map((item) => item.title)).toEqual(['c']);
    expect((await list(user, 'archived=all')).items.map((item) => item.title)).toEqual(['b', 'a', 'd', 'c']);
    expect((await list(user, 'pinned=true')).items.map((item) => item.title)).toEqual(['b', 'a']);
    expect((await list(user, 'pinned=false&archived=all')).items.map((item) => item.title)).toEqual(['d', 'c']);
    // Pages cross from the pinned ones to the others without gaps or repeats.
    expect((await listAll(user, 'archived=all', 1)).map((item) => item.title)).toEqual(['b', 'a', 'd', 'c']);

    await patch(user, a as string, { pinned: false });
    await patch(user, c as string, { archived: false, title: 'c again' });
    expect((await list(user, 'limit=10')).items.map((item) => item.title)).toEqual(['b', 'c again', 'd', 'a']);
    expect(d).toBeTruthy();
  });

  it('pages through a search from the pinned matches to the others without gaps or repeats', async () => {
    const user = await chat.user();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await user.newConversation({ title: `Needle ${i}` }));
    await user.newConversation({ title: 'Haystack' });
    const [first, second, third, fourth] = ids as [string, string, string, string];
    await patch(user, first, { pinned: true });
    await patch(user, second, { pinned: true });
    // A page after a pinned one and the search each narrow by an `$or` of their own.
    const found = await listAll(user, 'q=needle', 1);
    expect(found.map((item) => item.id)).toEqual([second, first, fourth, third]);
  });

  it('answers 404 for pinning another user’s conversation, and changes nothing', async () => {
    const [owner, stranger] = [await chat.user(), await chat.user()];
    const id = await owner.newConversation();
    const response = await stranger.call('PATCH', `/chat/conversations/${id}`, { pinned: true, archived: true });
    expect(await problemOf(response)).toEqual({ status: 404, code: 'not_found' });
    expect((await list(owner, 'limit=1')).items[0]).toMatchObject({ id, pinned: false, archived: false });
  });
});

describe('bad input to the list', () => {
  it.each([
    ['a blank query', 'q=%20%20'],
    ['a query over 200 characters', `q=${'x'.repeat(201)}`],
    ['archived that is not true, false or all', 'archived=maybe'],
    ['pinned that is not true or false', 'pinned=yes'],
    [
      'a cursor with a pin that is not 0 or 1',
      `cursor=${Buffer.from('{"p":2,"u":1,"i":"0123456789abcdef01234567"}').toString('base64url')}`,
    ],
    ['an unknown parameter', 'sort=title'],
  ])('answers %s with 400 validation_failed', async (_name, query) => {
    const user = await chat.user();
    expect(await problemOf(await user.call('GET', `/chat/conversations?${query}`))).toEqual({
      status: 400,
      code: 'validation_failed',
    });
  });

  it('refuses a pin that is not a boolean with 400, and changes nothing', async () => {
    const user = await chat.user();
    const id = await user.newConversation();
    const response = await user.call('PATCH', `/chat/conversations/${id}`, { pinned: 'yes', title: 'Changed' });
    expect(await problemOf(response)).toEqual({ status: 400, code: 'validation_failed' });
    expect((await list(user, 'limit=1')).items[0]).toMatchObject({ title: 'New conversation', pinned: false });
  });
});
