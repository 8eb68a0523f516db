import { COLLECTIONS } from '@zerochat/data';
import { createLifecycle } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { createSearchIndex } from './search-index.ts';
import { literalPattern } from './search-text.ts';

const database = useTestDatabase();

function searchIndex(maxBytes?: number) {
  const lifecycle = createLifecycle();
  const index = createSearchIndex({
    db: database.db,
    lifecycle,
    log: captureLog().log,
    now: () => new Date(),
    ...(maxBytes ? { maxBytes } : {}),
  });
  return { index, lifecycle };
}

const message = (userId: ObjectId, conversationId: ObjectId, content: string, role: 'user' | 'assistant' = 'user') => ({
  _id: new ObjectId(),
  userId,
  conversationId,
  role,
  content,
});

const logOf = (userId: ObjectId) => database.db.collection(COLLECTIONS.searchLog).countDocuments({ userId });

describe('the search index', () => {
  it('folds its log into the user’s document right after a write, and finds the same before and after', async () => {
    const { index, lifecycle } = searchIndex();
    const [user, conversation] = [new ObjectId(), new ObjectId()];
    const written = message(user, conversation, 'Line one\nand line two of a Haiku');
    await index.put(written);
    // Before the fold, from the log.
    expect([...(await index.find(user, literalPattern('one and line')))]).toEqual([
      [
        conversation.toHexString(),
        { messageId: written._id.toHexString(), role: 'user', snippet: 'Line one and line two of a Haiku' },
      ],
    ]);
    await lifecycle.settled(5000);
    expect(await logOf(user)).toBe(0);
    expect((await index.find(user, literalPattern('HAIKU'))).get(conversation.toHexString())?.messageId).toBe(
      written._id.toHexString(),
    );
  });

  it('answers each conversation once, with its newest match, and forgets dropped messages and conversations', async () => {
    const { index, lifecycle } = searchIndex();
    const [user, first, second] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const older = message(user, first, 'tea at five');
    const newer = message(user, first, 'more tea, please', 'assistant');
    const elsewhere = message(user, second, 'green tea');
    for (const written of [older, newer, elsewhere]) await index.put(written);
    const found = await index.find(user, literalPattern('tea'));
    expect(found.get(first.toHexString())).toMatchObject({ messageId: newer._id.toHexString(), role: 'assistant' });
    expect(found.size).toBe(2);

    await index.dropMessages(user, [newer._id]);
    expect((await index.find(user, literalPattern('tea'))).get(first.toHexString())?.messageId).toBe(
      older._id.toHexString(),
    );
    await index.dropConversation(user, second);
    await lifecycle.settled(5000);
    expect([...(await index.find(user, literalPattern('tea'))).keys()]).toEqual([first.toHexString()]);
  });

  it('folds a burst of writes completely, one fold at a time', async () => {
    const { index, lifecycle } = searchIndex();
    const [user, conversation] = [new ObjectId(), new ObjectId()];
    const written = Array.from({ length: 12 }, (_, i) => message(user, conversation, `burst item ${i}.`));
    await Promise.all(written.map((entry) => index.put(entry)));
    await lifecycle.settled(10_000);
    expect(await logOf(user)).toBe(0);
    for (const entry of written) {
      expect((await index.find(user, literalPattern(entry.content))).get(conversation.toHexString())?.messageId).toBe(
        entry._id.toHexString(),
      );
    }
  });

  it('lets the oldest messages go when the user’s text outgrows its bound', async () => {
    const { index, lifecycle } = searchIndex(300);
    const [user, conversation] = [new ObjectId(), new ObjectId()];
    const written = Array.from({ length: 6 }, (_, i) => message(user, conversation, `entry-${i} ${'x'.repeat(40)}`));
    for (const entry of written) {
      await index.put(entry);
      await lifecycle.settled(5000);
    }
    expect((await index.find(user, literalPattern('entry-0'))).size).toBe(0);
    expect((await index.find(user, literalPattern('entry-5'))).size).toBe(1);
  });

  it('leaves the fold to the holder of the lease, and still finds what is in the log', async () => {
    const { index, lifecycle } = searchIndex();
    const [user, conversation] = [new ObjectId(), new ObjectId()];
    // Another instance is folding this user's log right now.
    await database.db.collection<{ _id: string; holder: string; expiresAt: Date }>(COLLECTIONS.locks).insertOne({
      _id: `search-index:${user.toHexString()}`,
      holder: 'elsewhere',
      expiresAt: new Date(Date.now() + 60_000),
    });
    await index.put(message(user, conversation, 'a note about lighthouses'));
    await lifecycle.settled(5000);
    expect(await logOf(user)).toBe(1);
    expect((await index.find(user, literalPattern('lighthouse'))).size).toBe(1);
  });
});
