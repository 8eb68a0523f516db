import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { COLLECTIONS, type CollectionName } from './collections.ts';
import { deleteUserData, USER_DATA } from './user-data.ts';

const database = useTestDatabase();

describe('a user’s data', () => {
  it('names every collection, so a new one must say whether it holds user data', () => {
    expect(Object.keys(USER_DATA).sort()).toEqual(Object.values(COLLECTIONS).sort());
  });

  it('is deleted from every collection that holds it, and only the user’s; the count is reported', async () => {
    const [ada, bob] = [new ObjectId(), new ObjectId()];
    const owned = (Object.entries(USER_DATA) as Array<[CollectionName, '_id' | 'userId' | null]>).filter(
      ([, field]) => field !== null,
    );
    for (const [name, field] of owned) {
      // An account is one document; everything else of the user's may be many.
      const documents = field === '_id' ? [{ _id: ada }, { _id: bob }] : [ada, ada, bob].map((userId) => ({ userId }));
      await database.db.collection(name).insertMany(documents);
    }
    const removed = await deleteUserData(database.db, ada);
    expect(removed).toEqual(Object.fromEntries(owned.map(([name, field]) => [name, field === '_id' ? 1 : 2])));
    for (const [name, field] of owned) {
      expect(await database.db.collection(name).countDocuments({ [field as string]: ada })).toBe(0);
    }
    expect(await database.db.collection(COLLECTIONS.conversations).countDocuments({ userId: bob })).toBe(1);
    // Again: nothing left, nothing removed.
    expect(Object.values(await deleteUserData(database.db, ada))).toEqual(owned.map(() => 0));
  });
});
