import type { Binary, ObjectId } from 'mongodb';

// The documents zerochat stores (docs/data.md). Ids are ObjectIds in MongoDB and their hex
// strings in the API. Every timestamp is a Date.

/** An ObjectId as the API writes it: 24 hex digits. */
export const OBJECT_ID_HEX = /^[0-9a-fA-F]{24}$/;

export const COLLECTIONS = {
  users: 'users',
  refreshTokens: 'refresh_tokens',
  apiKeys: 'api_keys',
  loginThrottle: 'login_throttle',
  conversations: 'conversations',
  messages: 'messages',
  generationSlots: 'generation_slots',
  processedEvents: 'processed_events',
  locks: 'locks',
  searchIndex: 'search_index',
  searchLog: 'search_log',
  userSettings: 'user_settings',
  imports: 'imports',
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

/** What an API key was used for; shown on the key. */
export interface ApiKeyUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * A user's API key for the OpenAI-compatible API (`/v1`): it reaches chat completions and the
 * model list, nothing else. The key itself is shown once at creation and never stored.
 */
export interface ApiKeyDocument {
  _id: ObjectId;
  userId: ObjectId;
  name: string;
  /** SHA-256 of the whole key (prefix included), hex. */
  keyHash: string;
  /** The key's first and last characters ("zc-AbCd…wxyz"), so its owner can tell keys apart. */
  preview: string;
  createdAt: Date;
  /** After this the key is refused; null: it never expires. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  usage: ApiKeyUsage;
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
  /** Listed before the others. Absent means false. */
  pinned?: boolean;
  /** Left out of the list unless asked for. Absent means false. */
  archived?: boolean;
  /**
   * The message the current branch goes through (its newest leaf below is shown and
   * answered); absent or gone: the newest message.
   */
  currentMessageId?: ObjectId | null;
  /**
   * true: `currentMessageId` (null: no message yet) was the newest message of its branch when
   * it was written, and the first message added below it since takes an id derived from it
   * (chat's `firstChildId`), so one lookup tells whether it still ends its branch. Absent: not
   * known (the branch was chosen, a reply continued, a message deleted, or written before this
   * was kept).
   */
  currentIsLeaf?: boolean;
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
  /**
   * The generation slot lease of the reply's latest generation: while that lease lives, its
   * instance is generating it. Absent on replies stored before it was kept.
   */
  leaseId?: ObjectId;
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

/**
 * A user's searchable message text in one document (`_id` is the user's id), one line per
 * message: its id, its conversation's id (24 hex digits each), `u` or `a`, then its content on
 * one line; gzip-compressed, since reading it is what a search costs. FerretDB answers a lookup
 * by `_id` from its `_id` index (as zerochat builds it) and decodes the whole collection for any
 * other filter, so search reads this one document instead of the messages.
 */
export interface SearchIndexDocument {
  _id: ObjectId;
  /** The lines, oldest first, as gzip-compressed UTF-8. */
  lines: Binary;
  updatedAt: Date;
}

/**
 * A change not yet folded into the user's SearchIndexDocument: inserted (never updated, so
 * concurrent writers lose nothing), folded in and deleted right after, so the collection stays
 * small and is read whole by a search.
 */
export type SearchLogDocument = { _id: ObjectId; userId: ObjectId } & (
  | { op: 'put'; conversationId: ObjectId; messageId: ObjectId; role: 'user' | 'assistant'; text: string }
  | { op: 'drop-messages'; messageIds: ObjectId[] }
  | { op: 'drop-conversation'; conversationId: ObjectId }
);

/** Bounded Ollama options a user sets once, for every reply that does not set its own. */
export interface GenerationOptions {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  repeat_penalty?: number;
  seed?: number;
  num_ctx?: number;
  num_predict?: number;
  stop?: string[];
}

/** A user's defaults for new conversations and replies (`_id` is the user's id). */
export interface UserSettingsDocument {
  _id: ObjectId;
  /** The model of new conversations; null: the configured default. */
  model: string | null;
  /** The system prompt of new conversations; null: none. */
  systemPrompt: string | null;
  options: GenerationOptions;
  updatedAt: Date;
}

/**
 * An import of conversations in progress (docs/chat.md, "Export and import"). Its
 * conversations are written with `_id` as their `userId`, which is no user's, so no read finds
 * them (nor their messages, which are reached only through them); they become the user's in
 * the last step. `staging` (being written; a stale one is deleted with what it wrote) turns
 * `committing` once everything is written (a stale one is finished). The import removes this
 * record when it is done.
 */
export interface ImportDocument {
  _id: ObjectId;
  /** Whose conversations they become. */
  userId: ObjectId;
  state: 'staging' | 'committing';
  /** The new conversations' ids, for the search index once they are the user's. */
  conversationIds: ObjectId[];
  createdAt: Date;
  /** Past this, the import is taken for dead and the next import cleans it up. */
  expiresAt: Date;
}
