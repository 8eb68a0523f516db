// An import is staged: nothing of it shows until all of it is written, a failure halfway
// leaves nothing, one past its commit point is finished when the database is back, and what a
// dead process left behind is resolved by the next import. Through the real app on FerretDB;
// the database is the real one, seen through a stand-in that can hold or fail the import's
// writes of messages and its hand-over of conversations.
import { COLLECTIONS, type ConversationDocument, type ImportDocument, type MessageDocument } from '@zerochat/data';
import { type Db, MongoNetworkError, ObjectId } from 'mongodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, problemOf, type TestUser } from '../../test/harness.ts';
import { branchedConversation, importTraces, NO_TRACES, transferFile } from '../../test/transfer-files.ts';

const database = useTestDatabase();
let clock = new Date('2030-03-01T00:00:00Z');
/** Runs before each write of many messages; it may wait, or throw to fail the write. */
let beforeInsertMany: () => Promise<void> = async () => {};
/** Runs before each update of many conversations (an import's hand-over); it may throw to fail it. */
let beforeUpdateMany: () => Promise<void> = async () => {};

/** A collection whose `method` runs `before` first. */
function watched<T extends object>(collection: T, method: 'insertMany' | 'updateMany', before: () => Promise<void>) {
  return new Proxy(collection, {
    get(target, property) {
      if (property === method) {
        return async (...args: unknown[]) => {
          await before();
          return (Reflect.get(target, property) as (...args: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The database, with the messages collection's insertMany going through beforeInsertMany first
 * and the conversations collection's updateMany through beforeUpdateMany.
 */
function watchedDb(db: Db): Db {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'collection') {
        return (name: string) => {
          const collection = target.collection(name);
          if (name === COLLECTIONS.messages) return watched(collection, 'insertMany', () => beforeInsertMany());
          if (name === COLLECTIONS.conversations) return watched(collection, 'updateMany', () => beforeUpdateMany());
          return collection;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let chat: ChatHarness;

// Each test has a user of its own: what one sees never depends on what another imported.
beforeAll(async () => {
  chat = await chatHarness(database, { db: watchedDb(database.db), now: () => clock });
});

const conversations = () => database.db.collection<ConversationDocument>(COLLECTIONS.conversations);
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);
const imports = () => database.db.collection<ImportDocument>(COLLECTIONS.imports);

/** What the user can see of their conversations by every read: list, archive, search, export. */
async function visible(user: TestUser): Promise<string[]> {
  const seen = new Set<string>();
  for (const path of ['/chat/conversations?archived=all', '/chat/conversations?q=fjords&archived=all']) {
    const page = (await (await user.call('GET', path)).json()) as { items: Array<{ title: string }> };
    for (const item of page.items) seen.add(`list: ${item.title}`);
  }
  const all = (await (await user.call('GET', '/chat/export')).json()) as { conversations: Array<{ title: string }> };
  for (const conversation of all.conversations) seen.add(`export: ${conversation.title}`);
  return [...seen].sort();
}

/** Imports a file of these conversations as `user`. */
const importConversations = (user: TestUser, ...conversations: Parameters<typeof branchedConversation>[0][]) =>
  user.call('POST', '/chat/import', transferFile(conversations.map((options) => branchedConversation(options))));

// The stand-in's hooks are each test's own.
afterEach(() => {
  beforeInsertMany = async () => {};
  beforeUpdateMany = async () => {};
});

describe('a staged import', () => {
  it('shows nothing of itself until all of it is written, then all of it', async () => {
    const user = await chat.user();
    let seenWhileStaged: { reads: string[]; byId: number; messagesOfIt: number } | undefined;
    beforeInsertMany = async () => {
      // The conversations are written by now: look for them with every read the user has.
      const staged = (await imports().findOne({ userId: user.id })) as ImportDocument;
      const id = staged.conversationIds[0]?.toHexString();
      seenWhileStaged = {
        reads: await visible(user),
        byId: (await user.call('GET', `/chat/conversations/${id}`)).status,
        messagesOfIt: (await user.call('GET', `/chat/conversations/${id}/export`)).status,
      };
    };
    const response = await importConversations(user, {}, { id: 'c2', title: 'Second', archived: true });
    expect(response.status).toBe(201);
    expect(seenWhileStaged).toEqual({ reads: [], byId: 404, messagesOfIt: 404 });
    expect(await visible(user)).toEqual([
      'export: Imported trip plans',
      'export: Second',
      'list: Imported trip plans',
      'list: Second',
    ]);
    expect(await imports().countDocuments({ userId: user.id })).toBe(0);
  });

  it('leaves nothing when a write fails halfway, and says so with a 5xx problem', async () => {
    const user = await chat.user();
    beforeInsertMany = async () => {
      throw new Error('the disk is full (a stand-in failure)');
    };
    const response = await importConversations(user, { title: 'Doomed' });
    expect(await problemOf(response)).toEqual({ status: 500, code: 'internal_error' });
    expect(await importTraces(database, user.id)).toEqual(NO_TRACES);
    expect(await visible(user)).toEqual([]);
  });

  it('says so when it fails past its commit point, and is finished by the next import after its lease', async () => {
    const user = await chat.user();
    beforeUpdateMany = async () => {
      throw new Error('the database went away (a stand-in failure)');
    };
    const response = await importConversations(user, { title: 'Committed' });
    expect(await problemOf(response)).toEqual({ status: 503, code: 'import_unfinished' });
    // Not MongoDB unreachable: this process does not retry, the sweep after the lease finishes it.
    beforeUpdateMany = async () => {};
    const [record] = await imports().find({ userId: user.id }).toArray();
    expect(record).toMatchObject({ state: 'committing' });
    expect(await visible(user)).toEqual([]);

    clock = new Date((record as ImportDocument).expiresAt.getTime() + 1);
    const someone = await chat.user();
    expect((await importConversations(someone, {})).status).toBe(201);
    expect(await visible(user)).toEqual(['export: Committed', 'list: Committed']);
    expect(await imports().countDocuments({ userId: user.id })).toBe(0);
  });

  it('is finished by its own process once the database is back, when it went away past the commit point', async () => {
    const user = await chat.user();
    let handOvers = 0;
    beforeUpdateMany = async () => {
      if (handOvers++ === 0) throw new MongoNetworkError('connection reset (a stand-in failure)');
    };
    const response = await importConversations(user, { title: 'Resumed' });
    expect(await problemOf(response)).toEqual({ status: 503, code: 'import_unfinished' });
    // No other import and no lease run out: the process that took the file hands it over.
    await expect.poll(() => visible(user), { timeout: 15_000 }).toEqual(['export: Resumed', 'list: Resumed']);
    expect(handOvers).toBe(2);
    expect(await imports().countDocuments({ userId: user.id })).toBe(0);
  });

  it('has its leftovers resolved by the next import once its lease has run out', async () => {
    const user = await chat.user();
    // What two processes that died left: one while writing, one after its commit point.
    const [writing, committing] = [new ObjectId(), new ObjectId()];
    const leftover = (stagingId: ObjectId, title: string) => {
      const conversationId = new ObjectId();
      return {
        conversation: {
          _id: conversationId,
          userId: stagingId,
          title,
          model: 'some-model:latest',
          systemPrompt: null,
          currentMessageId: null,
          createdAt: clock,
          updatedAt: clock,
        },
        message: {
          _id: new ObjectId(),
          conversationId,
          userId: user.id,
          parentId: null,
          role: 'user' as const,
          content: `${title} and the fjords`,
          status: 'complete' as const,
          model: null,
          usage: null,
          createdAt: clock,
        },
      };
    };
    const dead = leftover(writing, 'Died while writing');
    const done = leftover(committing, 'Died after its commit');
    await conversations().insertMany([dead.conversation, done.conversation]);
    await messages().insertMany([dead.message, done.message]);
    const expiresAt = new Date(clock.getTime() + 10 * 60_000);
    await imports().insertMany([
      {
        _id: writing,
        userId: user.id,
        state: 'staging',
        conversationIds: [dead.conversation._id],
        createdAt: clock,
        expiresAt,
      },
      {
        _id: committing,
        userId: user.id,
        state: 'committing',
        conversationIds: [done.conversation._id],
        createdAt: clock,
        expiresAt,
      },
    ]);

    // Within their lease they may still be running: an import leaves them alone.
    const tiny = transferFile([branchedConversation({ title: 'Later' })]);
    expect((await user.call('POST', '/chat/import', tiny)).status).toBe(201);
    expect(await imports().countDocuments({ userId: user.id })).toBe(2);
    expect(await visible(user)).not.toContain('list: Died after its commit');

    clock = new Date(expiresAt.getTime() + 1);
    expect((await user.call('POST', '/chat/import', tiny)).status).toBe(201);
    expect(await imports().countDocuments({ userId: user.id })).toBe(0);
    expect(await conversations().countDocuments({ _id: dead.conversation._id })).toBe(0);
    expect(await messages().countDocuments({ _id: dead.message._id })).toBe(0);
    const shown = await visible(user);
    expect(shown).toContain('list: Died after its commit');
    expect(shown).not.toContain('list: Died while writing');
    // Finished means searchable too.
    const found = (await (await user.call('GET', '/chat/conversations?q=commit%20and%20the')).json()) as {
      items: Array<{ title: string }>;
    };
    expect(found.items.map((item) => item.title)).toEqual(['Died after its commit']);
  });
});
