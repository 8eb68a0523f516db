import { createApiKeyStore, type IssuedApiKey } from '@zerochat/accounts';
import { type ApiKeyDocument, COLLECTIONS, type UserDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import type { TestDatabase } from '../../../test/support/test-services.ts';

/** The test database's API keys, as the auth function keeps them. */
export const apiKeyStore = (database: TestDatabase) =>
  createApiKeyStore({
    collection: database.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys),
    now: () => new Date(),
  });

/** A new enabled account with one API key; `expiresAt` in the past makes an expired key. */
export async function keyOwner(
  database: TestDatabase,
  expiresAt: Date | null = null,
): Promise<{ user: UserDocument; issued: IssuedApiKey }> {
  const at = new Date();
  const user: UserDocument = {
    _id: new ObjectId(),
    email: `${new ObjectId().toHexString()}@example.com`,
    passwordHash: 'not a hash: this account cannot log in',
    displayName: null,
    role: 'user',
    disabled: false,
    createdAt: at,
    updatedAt: at,
  };
  await database.db.collection<UserDocument>(COLLECTIONS.users).insertOne(user);
  const issued = await apiKeyStore(database).create(user._id, { name: 'test', expiresAt });
  if (issued === 'limit_reached') throw new Error('no key made');
  return { user, issued };
}
