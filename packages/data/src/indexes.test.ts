import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { COLLECTIONS } from './collections.ts';
import { ensureIndexes, INDEXES } from './indexes.ts';

describe('ensureIndexes', () => {
  const database = useTestDatabase();

  it('creates every index once, then reports them all ok', async () => {
    await database.db.dropDatabase(); // whatever tests ran before in this file
    const first = await ensureIndexes(database.db);
    expect(first.map((result) => result.outcome)).toEqual(INDEXES.map(() => 'changed'));
    const second = await ensureIndexes(database.db);
    expect(second.map((result) => result.outcome)).toEqual(INDEXES.map(() => 'ok'));
  });

  it('makes the unique indexes hold', async () => {
    await ensureIndexes(database.db);
    const users = database.db.collection(COLLECTIONS.users);
    await users.insertOne({ email: 'a@example.com' });
    await expect(users.insertOne({ email: 'a@example.com' })).rejects.toMatchObject({ code: 11000 });
  });
});
