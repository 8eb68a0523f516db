import type { ObjectId } from 'mongodb';

// The documents zerochat stores (docs/data.md). Ids are ObjectIds in MongoDB and their hex
// strings in the API. Every timestamp is a Date.

export const COLLECTIONS = {
  users: 'users',
  refreshTokens: 'refresh_tokens',
  loginThrottle: 'login_throttle',
  conversations: 'conversations',
  messages: 'messages',
  generationSlots: 'generation_slots',
  processedEvents: 'processed_events',
  locks: 'locks',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export type UserRole = 'user' | 'admin';

export interface UserDocument {
  _id: ObjectId;
  /** Trimmed and lower-cased; unique. */
  email: string;
  /** argon2id PHC string. */
  passwordHash: string;
  displayName: string | null;
  role: UserRole;
  disabled: boolean;
  /**
   * The password was set by someone else (an admin's reset, an admin-created account, the
   * recovery command): the next login must set a new one. Absent means false.
   */
  mustChangePassword?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RefreshTokenDocument {
  _id: ObjectId;
  userId: ObjectId;
  /** All tokens rotated from one login share a family; reuse of a spent token revokes it. */
  familyId: string;
  /** SHA-256 of the opaque token, hex; the token itself is never stored. */
  tokenHash: string;
  /**
   * The `tokenHash` of the token this one replaced, `family:<familyId>` for the first of a
   * family, or `retry:<n>:<tokenHash>` for the n-th retry of a rotation within its grace. Unique: a token can be spent once, because only one successor can name it. (An
   * insert guarded by a unique index is atomic on MongoDB and FerretDB alike; a conditional
   * update is not atomic on FerretDB's SQLite backend.)
   */
  parentHash: string;
  createdAt: Date;
  /** The earlier of `createdAt` plus the refresh-token lifetime and `sessionExpiresAt`. */
  expiresAt: Date;
  /**
   * When the session (the family) ends, however often it is refreshed: its login plus the
   * absolute session lifetime, copied to every successor. Absent on tokens written before
   * sessions had an end; their next rotation starts the clock.
   */
  sessionExpiresAt?: Date;
  /** Not written by the auth function: a token is spent once a successor names it as parent. */
  usedAt?: Date;
  revokedAt?: Date;
}

/**
 * One failed login, counted against its account and its client address (one document each);
 * the failures of the last window are counted when a login is attempted.
 */
export interface LoginFailureDocument {
  _id: ObjectId;
  /** `account:<SHA-256 of the email>` or `address:<client address or IPv6 /64>`. */
  key: string;
  kind: 'account' | 'address';
  at: Date;
  /** When the failure stops counting; MongoDB deletes it then (TTL index). */
  expiresAt: Date;
}

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'pending' | 'complete' | 'incomplete' | 'error';

export interface ConversationDocument {
  _id: ObjectId;
  userId: ObjectId;
  title: string;
  model: string;
  systemPrompt: string | null;
  /**
   * The message the current branch goes through (its newest leaf below is shown and
   * answered); absent or gone: the newest message.
   */
  currentMessageId?: ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageUsage {
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

export interface MessageDocument {
  _id: ObjectId;
  conversationId: ObjectId;
  userId: ObjectId;
  /**
   * The message this one follows (messages form a tree); null for a first message. Absent on
   * messages written before branches: each follows the one before it.
   */
  parentId?: ObjectId | null;
  role: MessageRole;
  content: string;
  /** `pending` only while a reply is being generated. */
  status: MessageStatus;
  /** Why a reply ended; absent on user messages and on replies stored before it was kept. */
  finishReason?: 'stop' | 'length' | 'cancelled' | 'timeout';
  model: string | null;
  usage: MessageUsage | null;
  createdAt: Date;
  /** When a continued reply's current generation began; absent: at createdAt. */
  startedAt?: Date;
  /** Set by a stop request while the reply is pending; the generating instance stops on it. */
  stopRequestedAt?: Date;
}

/**
 * One of a user's concurrent reply generations: `_id` is "<userId>:<slot>", so the unique
 * `_id` caps the slots per user across every instance. A lease that is not renewed (its
 * instance died) expires and the slot is free again.
 */
export interface GenerationSlotDocument {
  _id: string;
  userId: ObjectId;
  leaseId: ObjectId;
  expiresAt: Date;
}

/**
 * A CloudEvent handled successfully: `_id` is its source and id, so a redelivery is answered
 * from here instead of being handled again.
 */
export interface ProcessedEventDocument {
  _id: string;
  type: string;
  at: Date;
  /** What handling it produced (the bootstrap report), sent again with a redelivery's reply. */
  result: Record<string, unknown>;
}

/**
 * A lease on something only one instance may do at a time: `_id` names it, and the unique
 * `_id` lets one holder in (an insert, so this holds on FerretDB too). A holder that died is
 * replaced once `expiresAt` has passed.
 */
export interface LockDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
}
