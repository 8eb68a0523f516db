import type { Db, ObjectId } from 'mongodb';
import { COLLECTIONS, type CollectionName } from './collections.ts';

/**
 * Where each collection keeps a user's data: the field that holds the user's id, or null for
 * a collection that holds none (or only data that expires by itself). Every collection must be
 * named here, so a feature that adds one decides at once whether deleting an account removes
 * its documents; deleteUserData goes by this list and nothing else.
 */
export const USER_DATA: Readonly<Record<CollectionName, '_id' | 'userId' | null>> = {
  [COLLECTIONS.users]: '_id',
  [COLLECTIONS.refreshTokens]: 'userId',
  [COLLECTIONS.apiKeys]: 'userId',
  [COLLECTIONS.conversations]: 'userId',
  [COLLECTIONS.messages]: 'userId',
  [COLLECTIONS.generationSlots]: 'userId',
  [COLLECTIONS.searchIndex]: '_id',
  [COLLECTIONS.searchLog]: 'userId',
  [COLLECTIONS.userSettings]: '_id',
  [COLLECTIONS.imports]: 'userId',
  // Failed logins are counted per hashed email and per address, and expire within the window.
  [COLLECTIONS.loginThrottle]: null,
  [COLLECTIONS.processedEvents]: null,
  [COLLECTIONS.locks]: null,
};

/** How many documents deleteUserData removed, by collection (every collection of USER_DATA). */
export type RemovedUserData = Partial<Record<CollectionName, number>>;

/**
 * Deletes everything of a user's, collection by collection as USER_DATA says: the sessions
 * and API keys first (so the account is logged out before anything else goes), the account itself last (so
 * that a run cut short can be run again and finish). Answers what it removed.
 */
export async function deleteUserData(db: Db, userId: ObjectId): Promise<RemovedUserData> {
  const owned = (Object.entries(USER_DATA) as Array<[CollectionName, '_id' | 'userId' | null]>).filter(
    (entry): entry is [CollectionName, '_id' | 'userId'] => entry[1] !== null,
  );
  const credentials: ReadonlySet<CollectionName> = new Set([COLLECTIONS.refreshTokens, COLLECTIONS.apiKeys]);
  const order = (name: CollectionName) => (credentials.has(name) ? 0 : name === COLLECTIONS.users ? 2 : 1);
  const removed: RemovedUserData = {};
  for (const [name, field] of owned.sort(([a], [b]) => order(a) - order(b))) {
    const { deletedCount } = await db.collection(name).deleteMany({ [field]: userId });
    removed[name] = deletedCount;
  }
  return removed;
}
