import { randomBytes } from 'node:crypto';
import { isDuplicateKey, type UserDocument, type UserRole } from '@zerochat/data';
import { type Collection, ObjectId } from 'mongodb';
import { normalizeEmail, passwordLengthViolation } from './credentials.ts';
import type { PasswordHasher } from './password-hash.ts';
import { createPasswordPolicy, type PasswordPolicy } from './password-policy.ts';

export interface NewUser {
  email: string;
  password: string;
  displayName?: string | null;
  role?: UserRole;
  /** Someone else chose the password: the user sets their own at the next login. */
  mustChangePassword?: boolean;
}

/** A password someone else may know for a moment, which only gets the user to set their own. */
export interface TemporaryPassword {
  user: UserDocument;
  temporaryPassword: string;
}

/** The password policy refused a new password; `detail` says why ("is one of the most common passwords"). */
export interface PasswordRejected {
  ok: false;
  reason: 'password_rejected';
  detail: string;
}

export type Registration = { ok: true; user: UserDocument } | { ok: false; reason: 'email_taken' } | PasswordRejected;

export type Authentication =
  | { ok: true; user: UserDocument }
  /** `invalid_credentials` is the answer for an unknown email and for a wrong password alike. */
  | { ok: false; reason: 'invalid_credentials' | 'disabled' };

export type PasswordChange =
  | { ok: true; user: UserDocument }
  | { ok: false; reason: 'not_found' | 'disabled' | 'invalid_credentials' | 'changed_concurrently' }
  | PasswordRejected;

export interface UserChanges {
  role?: UserRole;
  disabled?: boolean;
  displayName?: string | null;
}

export interface UserPage {
  users: UserDocument[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface UserStore {
  /**
   * Checks the password policy, hashes the password and inserts the user; the unique email
   * index decides whether the address is taken (also in a race). A taken address costs the
   * same hash as a new one.
   */
  register(user: NewUser): Promise<Registration>;
  /** Checks email and password; upgrades a hash made with older parameters on success. */
  authenticate(email: string, password: string): Promise<Authentication>;
  /** Checks the current password, then the policy for the new one. */
  changePassword(userId: string, currentPassword: string, newPassword: string): Promise<PasswordChange>;
  /**
   * Sets the password of a user who just proved the current one (a login that sets a new
   * password): the policy, then a write conditional on the hash being the one they proved.
   * Clears mustChangePassword.
   */
  replacePassword(user: UserDocument, newPassword: string): Promise<PasswordChange>;
  /**
   * A new random password that must be changed at the next login, in place of the current one;
   * null when there is no such user. Does not end sessions: call `SessionStore.revokeAllForUser`.
   */
  resetPassword(userId: string): Promise<TemporaryPassword | null>;
  findById(userId: string): Promise<UserDocument | null>;
  /** Whether any account is an enabled admin. */
  hasEnabledAdmin(): Promise<boolean>;
  findByEmail(email: string): Promise<UserDocument | null>;
  /** Newest first. `after` is the `next` of the previous page. */
  list(options: { limit: number; after?: string }): Promise<UserPage>;
  /**
   * Changes role, disabled flag or display name; null when there is no such user. Disabling
   * does not end sessions by itself: call `SessionStore.revokeAllForUser` too.
   */
  update(userId: string, changes: UserChanges): Promise<UserDocument | null>;
}

export interface UserStoreOptions {
  collection: Collection<UserDocument>;
  hasher: PasswordHasher;
  /** What a new password must satisfy; the common-password policy by default. */
  policy?: PasswordPolicy;
  now: () => Date;
}

/** 18 random bytes as 24 URL-safe characters: far from any common password, easy to paste. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** A 24-hex-digit id as an ObjectId, or undefined for anything else (never throws). */
export function parseObjectId(id: string): ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}

/** Throws for a password no route should have let through: shorter or longer than any allowed. */
function assertPasswordLength(password: string): void {
  const violation = passwordLengthViolation(password);
  if (violation) throw new RangeError(`password ${violation}`);
}

export function createUserStore({ collection, hasher, now, ...options }: UserStoreOptions): UserStore {
  const policy = options.policy ?? createPasswordPolicy();
  const rejected = async (password: string, email: string): Promise<PasswordRejected | undefined> => {
    const detail = await policy.check(password, email);
    return detail ? { ok: false, reason: 'password_rejected', detail } : undefined;
  };
  const findById = async (userId: string) => {
    const _id = parseObjectId(userId);
    return _id ? collection.findOne({ _id }) : null;
  };

  async function replacePassword(user: UserDocument, newPassword: string): Promise<PasswordChange> {
    assertPasswordLength(newPassword);
    const rejection = await rejected(newPassword, user.email);
    if (rejection) return rejection;
    const changed = await collection.findOneAndUpdate(
      { _id: user._id, passwordHash: user.passwordHash },
      { $set: { passwordHash: await hasher.hash(newPassword), updatedAt: now() }, $unset: { mustChangePassword: '' } },
      { returnDocument: 'after' },
    );
    return changed ? { ok: true, user: changed } : { ok: false, reason: 'changed_concurrently' };
  }

  return {
    async register(input) {
      assertPasswordLength(input.password);
      const email = normalizeEmail(input.email);
      const rejection = await rejected(input.password, email);
      if (rejection) return rejection;
      // No look-up first: a taken address costs the same hash as a new one, so the time of the
      // answer does not tell whether an account exists. The unique index decides.
      const at = now();
      const user: UserDocument = {
        _id: new ObjectId(),
        email,
        passwordHash: await hasher.hash(input.password),
        displayName: input.displayName ?? null,
        role: input.role ?? 'user',
        disabled: false,
        ...(input.mustChangePassword ? { mustChangePassword: true } : {}),
        createdAt: at,
        updatedAt: at,
      };
      try {
        await collection.insertOne(user);
      } catch (error) {
        if (isDuplicateKey(error)) return { ok: false, reason: 'email_taken' };
        throw error;
      }
      return { ok: true, user };
    },

    async authenticate(email, password) {
      const user = await collection.findOne({ email: normalizeEmail(email) });
      if (!user) {
        await hasher.spendVerifyTime(password);
        return { ok: false, reason: 'invalid_credentials' };
      }
      const check = await hasher.verify(password, user.passwordHash);
      if (!check.valid) return { ok: false, reason: 'invalid_credentials' };
      // Only someone who knows the password learns that the account is disabled.
      if (user.disabled) return { ok: false, reason: 'disabled' };
      if (check.needsRehash) {
        const passwordHash = await hasher.hash(password);
        // Conditional, so a password changed meanwhile is not overwritten with the old one
        // (atomic on MongoDB; on FerretDB the condition is checked just before the write).
        await collection.updateOne({ _id: user._id, passwordHash: user.passwordHash }, { $set: { passwordHash } });
        user.passwordHash = passwordHash;
      }
      return { ok: true, user };
    },

    async changePassword(userId, currentPassword, newPassword) {
      assertPasswordLength(newPassword);
      const user = await findById(userId);
      if (!user) return { ok: false, reason: 'not_found' };
      if (user.disabled) return { ok: false, reason: 'disabled' };
      if (!(await hasher.verify(currentPassword, user.passwordHash)).valid) {
        return { ok: false, reason: 'invalid_credentials' };
      }
      return replacePassword(user, newPassword);
    },
    replacePassword,
    async resetPassword(userId) {
      const _id = parseObjectId(userId);
      if (!_id) return null;
      const temporaryPassword = generatePassword();
      const user = await collection.findOneAndUpdate(
        { _id },
        { $set: { passwordHash: await hasher.hash(temporaryPassword), mustChangePassword: true, updatedAt: now() } },
        { returnDocument: 'after' },
      );
      return user ? { user, temporaryPassword } : null;
    },

    findById,

    async hasEnabledAdmin() {
      return (await collection.findOne({ role: 'admin', disabled: false }, { projection: { _id: 1 } })) !== null;
    },

    findByEmail(email) {
      return collection.findOne({ email: normalizeEmail(email) });
    },

    async list({ limit, after }) {
      const cursor = after ? parseCursor(after) : undefined;
      const filter = cursor
        ? {
            $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.id } }],
          }
        : {};
      const users = await collection
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .toArray();
      const page = users.slice(0, limit);
      const last = page.at(-1);
      return users.length > limit && last ? { users: page, next: formatCursor(last) } : { users: page };
    },

    async update(userId, changes) {
      const _id = parseObjectId(userId);
      if (!_id) return null;
      const set: Partial<UserDocument> = { updatedAt: now() };
      if (changes.role !== undefined) set.role = changes.role;
      if (changes.disabled !== undefined) set.disabled = changes.disabled;
      if (changes.displayName !== undefined) set.displayName = changes.displayName;
      return collection.findOneAndUpdate({ _id }, { $set: set }, { returnDocument: 'after' });
    },
  };
}

/** A page cursor: the last user's creation time and id, "<ms>.<hex id>"; opaque to clients. */
export const USER_CURSOR = /^(\d{1,15})\.([0-9a-f]{24})$/;

function formatCursor(user: UserDocument): string {
  return `${user.createdAt.getTime()}.${user._id.toHexString()}`;
}

/** Throws RangeError for a cursor this store did not make. */
function parseCursor(cursor: string): { createdAt: Date; id: ObjectId } {
  const match = USER_CURSOR.exec(cursor);
  if (!match?.[1] || !match[2]) throw new RangeError('not a user list cursor');
  return { createdAt: new Date(Number(match[1])), id: new ObjectId(match[2]) };
}
