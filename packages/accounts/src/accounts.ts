import { z } from '@hono/zod-openapi';
import {
  type ApiKeyDocument,
  COLLECTIONS,
  ensureIndexes,
  INDEXES,
  type IndexOutcome,
  type RefreshTokenDocument,
  type UserDocument,
} from '@zerochat/data';
import type { Db } from 'mongodb';
import { type ApiKeyStore, createApiKeyStore } from './api-keys.ts';
import type { PasswordHasher } from './password-hash.ts';
import { createSessionStore, type SessionLifetimes, type SessionStore } from './sessions.ts';
import { createUserStore, type UserStore } from './users.ts';

export interface AccountsOptions {
  db: Db;
  hasher: PasswordHasher;
  sessions: SessionLifetimes;
  /** Injected so tests can move time. */
  now?: () => Date;
}

export interface Accounts {
  users: UserStore;
  sessions: SessionStore;
  /** The users' API keys for the OpenAI-compatible API. */
  apiKeys: ApiKeyStore;
  passwords: PasswordHasher;
  /**
   * Resolves once the account indexes exist: registration relies on the unique email index,
   * refresh on the unique parentHash index, API keys on the unique keyHash index. Made on first use rather than at start (a cold
   * login need not wait), once per process; a failure is tried again next time.
   */
  indexesReady(): Promise<void>;
}

/** The users store and the refresh-token sessions on one database, sharing one clock. */
export function createAccounts(options: AccountsOptions): Accounts {
  const now = options.now ?? (() => new Date());
  const passwords = options.hasher;
  let indexes: Promise<void> | undefined;
  return {
    passwords,
    indexesReady() {
      indexes ??= ensureAccountIndexes(options.db).then(
        () => undefined,
        (error: unknown) => {
          indexes = undefined;
          throw error;
        },
      );
      return indexes;
    },
    users: createUserStore({
      collection: options.db.collection<UserDocument>(COLLECTIONS.users),
      hasher: passwords,
      now,
    }),
    apiKeys: createApiKeyStore({ collection: options.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys), now }),
    sessions: createSessionStore({
      collection: options.db.collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens),
      ...options.sessions,
      now,
    }),
  };
}

const ACCOUNT_COLLECTIONS: ReadonlySet<string> = new Set([
  COLLECTIONS.users,
  COLLECTIONS.refreshTokens,
  COLLECTIONS.apiKeys,
  COLLECTIONS.loginThrottle,
]);

/** Creates the missing indexes of the account collections (above all: one account per email). */
export function ensureAccountIndexes(db: Db): Promise<Array<{ index: string; outcome: IndexOutcome }>> {
  return ensureIndexes(
    db,
    INDEXES.filter((index) => ACCOUNT_COLLECTIONS.has(index.collection)),
  );
}

/** The OpenAPI schema of a UserView, shared by every function that answers with users. */
export const UserViewSchema = z
  .object({
    id: z.string().openapi({ example: '6650c0ffee0123456789abcd' }),
    email: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(['user', 'admin'] satisfies UserDocument['role'][]),
    disabled: z.boolean(),
    mustChangePassword: z
      .boolean()
      .openapi({ description: 'The next login must set a new password (an admin set this one).' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('User');

/** A user as the API shows it: no password hash, id and dates as strings. */
export type UserView = z.output<typeof UserViewSchema>;

export function userView(user: UserDocument): UserView {
  return {
    id: user._id.toHexString(),
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword === true,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
