import { createHash, randomBytes } from 'node:crypto';

// What an API key looks like, in one place: the auth function makes keys, the chat function
// checks them, and Kong checks their form at the edge.

/** Every key starts with this, so a key is recognisable (in a leak scanner, a log, a config). */
export const API_KEY_PREFIX = 'zc-';

/** 32 random bytes, base64url: 256 bits, 43 characters after the prefix. */
export const API_KEY_PATTERN = /^zc-[A-Za-z0-9_-]{43}$/;

/** A new key, as its owner sees it once. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored instead of the key: a 256-bit random key needs no slow hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The part of a key shown on its listing: prefix, four characters, an ellipsis, the last four. */
export function apiKeyPreview(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 4)}…${key.slice(-4)}`;
}
