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
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  revokedAt?: Date;
}

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'pending' | 'complete' | 'incomplete' | 'error';

export interface ConversationDocument {
  _id: ObjectId;
  userId: ObjectId;
  title: string;
  model: string;
  systemPrompt: string | null;
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
  role: MessageRole;
  content: string;
  /** `pending` only while a reply is being generated. */
  status: MessageStatus;
  model: string | null;
  usage: MessageUsage | null;
  createdAt: Date;
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

/** A CloudEvent already handled: `_id` is its source and id, so a redelivery is a no-op. */
export interface ProcessedEventDocument {
  _id: string;
  type: string;
  at: Date;
}
