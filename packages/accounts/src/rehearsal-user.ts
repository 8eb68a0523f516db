import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { createPasswordHasher } from './password-hash.ts';

/**
 * What the stand-in MongoDB of a cold-start rehearsal (rehearseColdStart in
 * @zerochat/runtime/rehearsal) hands out: the user its access token belongs to, with a real hash of
 * its password, so that a rehearsed login or user lookup runs the path a real one does.
 */
export async function rehearsalUserDocuments(account: {
  id: string;
  email: string;
  password: string;
  role: UserDocument['role'];
}): Promise<Record<string, UserDocument[]>> {
  const now = new Date();
  const user: UserDocument = {
    _id: new ObjectId(account.id),
    email: account.email,
    passwordHash: await createPasswordHasher().hash(account.password),
    displayName: null,
    role: account.role,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  return { [COLLECTIONS.users]: [user] };
}
