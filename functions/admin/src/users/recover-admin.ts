import { type Accounts, generatePassword } from '@zerochat/accounts';
import type { UserDocument } from '@zerochat/data';

export interface Recovery {
  /** `created`: there was no account of that email; `restored`: an existing one was made an enabled admin. */
  action: 'created' | 'restored';
  user: UserDocument;
  /** Shown once; it only lets its holder log in with a new password of their own. */
  temporaryPassword: string;
}

/**
 * The way back in for an operator with access to the database (a lost admin password, no
 * admin left): the account of `email` becomes an enabled admin with a one-time temporary
 * password, every session it had is ended, and its next login must set a new password. A
 * missing account is created so. Nothing public is involved: it needs MONGODB_URI, that is
 * host or cluster access, and wins no race against registration, because an existing account
 * of that email gets a password only the operator knows.
 */
export async function recoverAdmin(
  accounts: Pick<Accounts, 'users' | 'sessions' | 'indexesReady'>,
  email: string,
): Promise<Recovery> {
  const { users, sessions } = accounts;
  await accounts.indexesReady();
  const existing = await users.findByEmail(email);
  if (existing) {
    const id = existing._id.toHexString();
    const reset = await users.resetPassword(id);
    const restored = reset && (await users.update(id, { role: 'admin', disabled: false }));
    if (!reset || !restored) throw new Error(`${email} disappeared while it was being recovered; run again`);
    await sessions.revokeAllForUser(restored._id);
    return { action: 'restored', user: restored, temporaryPassword: reset.temporaryPassword };
  }
  const temporaryPassword = generatePassword();
  const registration = await users.register({
    email,
    password: temporaryPassword,
    role: 'admin',
    displayName: 'Administrator',
    mustChangePassword: true,
  });
  // Registered a moment ago by someone else: recover that account as an existing one.
  if (!registration.ok) return recoverAdmin(accounts, email);
  return { action: 'created', user: registration.user, temporaryPassword };
}
