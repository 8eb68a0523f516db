import type { UserDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import type { PasswordHasher } from './password-hash.ts';

/**
 * The user a cold-start rehearsal's access token belongs to (see rehearseColdStart in
 * @zerochat/runtime), as the stand-in MongoDB hands it out: with a real hash of its
 * password, so that a rehearsed login runs the path a real one does.
 */
export async function rehearsalUser(
  account: { id: string; email: string; password: string; role: UserDocument['role'] },
  hasher: PasswordHasher,
): Promise<UserDocument> {
  const now = new Date();
  return {
    _id: new ObjectId(account.id),
    email: account.email,
    passwordHash: await hasher.hash(account.password),
    displayName: null,
    role: account.role,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
}
