import type { CreateIndexesOptions, Db, IndexSpecification } from 'mongodb';
import { COLLECTIONS, type CollectionName } from './collections.ts';

export interface IndexDefinition {
  collection: CollectionName;
  name: string;
  key: IndexSpecification;
  options?: Omit<CreateIndexesOptions, 'name'>;
}

/**
 * Every index zerochat relies on. Unique indexes carry the consistency guarantees (one
 * account per email, one spend per refresh token). TTL indexes tidy up on MongoDB; FerretDB
 * (SQLite) refuses the TTL option, so there the index is made without it. Either way,
 * queries check expiry themselves: expired data never counts, deleted or not.
 */
export const INDEXES: readonly IndexDefinition[] = [
  { collection: COLLECTIONS.users, name: 'email_unique', key: { email: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.users, name: 'createdAt', key: { createdAt: -1, _id: -1 } },
  { collection: COLLECTIONS.refreshTokens, name: 'tokenHash_unique', key: { tokenHash: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.refreshTokens, name: 'familyId', key: { familyId: 1 } },
  { collection: COLLECTIONS.refreshTokens, name: 'userId', key: { userId: 1 } },
  {
    collection: COLLECTIONS.refreshTokens,
    name: 'expiresAt_ttl',
    key: { expiresAt: 1 },
    options: { expireAfterSeconds: 0 },
  },
  {
    collection: COLLECTIONS.refreshTokens,
    name: 'parentHash_unique',
    key: { parentHash: 1 },
    options: { unique: true },
  },
  { collection: COLLECTIONS.apiKeys, name: 'keyHash_unique', key: { keyHash: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.apiKeys, name: 'userId_createdAt', key: { userId: 1, createdAt: -1 } },
  { collection: COLLECTIONS.loginThrottle, name: 'key_at', key: { key: 1, at: 1 } },
  {
    collection: COLLECTIONS.loginThrottle,
    name: 'expiresAt_ttl',
    key: { expiresAt: 1 },
    options: { expireAfterSeconds: 0 },
  },
  { collection: COLLECTIONS.conversations, name: 'userId_updatedAt', key: { userId: 1, updatedAt: -1, _id: -1 } },
  {
    collection: COLLECTIONS.messages,
    name: 'conversationId_createdAt',
    key: { conversationId: 1, createdAt: 1, _id: 1 },
  },
  {
    collection: COLLECTIONS.generationSlots,
    name: 'expiresAt_ttl',
    key: { expiresAt: 1 },
    options: { expireAfterSeconds: 0 },
  },
  {
    collection: COLLECTIONS.locks,
    name: 'expiresAt_ttl',
    key: { expiresAt: 1 },
    options: { expireAfterSeconds: 0 },
  },
  // Redeliveries come within hours; a month of processed events is plenty to recognise them.
  {
    collection: COLLECTIONS.processedEvents,
    name: 'at_ttl',
    key: { at: 1 },
    options: { expireAfterSeconds: 30 * 24 * 3600 },
  },
];

export type IndexOutcome = 'ok' | 'changed';

/**
 * Creates the indexes that are missing; an index that exists with the same name is left as
 * it is. Returns, per index, whether anything was created. Safe to run any number of times.
 */
export async function ensureIndexes(
  db: Db,
  indexes: readonly IndexDefinition[] = INDEXES,
): Promise<Array<{ index: string; outcome: IndexOutcome }>> {
  // One listIndexes per collection, all at once: the auth function runs this on its first
  // registration or refresh, so it is part of a cold start. The missing indexes are then
  // created one at a time (FerretDB's SQLite backend takes one schema change at a time).
  const names = [...new Set(indexes.map((definition) => definition.collection))];
  const listed = await Promise.allSettled(names.map((name) => db.collection(name).indexes()));
  const existingIn = new Map<string, Array<{ name?: string }>>();
  for (const [i, answer] of listed.entries()) {
    const name = names[i] as string;
    if (answer.status === 'fulfilled') existingIn.set(name, answer.value);
    // The first failure in order is the one to report: when MongoDB cannot be reached, the
    // first call's is why, the others only say that the client gave up.
    else if ((answer.reason as { codeName?: string }).codeName !== 'NamespaceNotFound') throw answer.reason;
  }

  const results: Array<{ index: string; outcome: IndexOutcome }> = [];
  for (const definition of indexes) {
    const id = `${definition.collection}.${definition.name}`;
    if (existingIn.get(definition.collection)?.some((index) => index.name === definition.name)) {
      results.push({ index: id, outcome: 'ok' });
      continue;
    }
    const collection = db.collection(definition.collection);
    try {
      await collection.createIndex(definition.key, { ...definition.options, name: definition.name });
    } catch (error) {
      if (!isTtlNotImplemented(error, definition)) throw error;
      const { expireAfterSeconds: _ttl, ...options } = definition.options ?? {};
      await collection.createIndex(definition.key, { ...options, name: definition.name });
    }
    results.push({ index: id, outcome: 'changed' });
  }
  return results;
}

const NOT_IMPLEMENTED = 238;

function isTtlNotImplemented(error: unknown, definition: IndexDefinition): boolean {
  return definition.options?.expireAfterSeconds !== undefined && (error as { code?: unknown }).code === NOT_IMPLEMENTED;
}
