import { COLLECTIONS, type RefreshTokenDocument } from '@zerochat/data';
import type { Db } from 'mongodb';
import { cachedLookup } from '../cache/cached-lookup.ts';

/**
 * Whether the session an access token was issued for (its `sid`: the refresh-token family) is
 * still live. Logout, a password change, an admin disabling or deleting the account, a reused
 * refresh token and the session's absolute lifetime all end a session; an access token of an
 * ended session is refused, within the cache time of the check.
 */
export type SessionCheck = (sessionId: string) => Promise<boolean>;

export interface SessionCheckOptions {
  db: Db;
  /** How long a live answer is trusted before the store is asked again, in ms. */
  cacheMs: number;
  /** Sessions remembered at most; the least recently asked go first. */
  maxEntries?: number;
  /** Injected so tests can move time. */
  now?: () => Date;
}

/**
 * The session store's answer (refresh_tokens, docs/data.md): a family is live while one of its
 * tokens is neither revoked nor expired. Every revocation marks the whole family, and a token's
 * expiry never passes the session's absolute end, so this is false once a session ended in
 * any way. Behind a short cache: a live session is asked again after `cacheMs`, an ended one is
 * remembered (it never comes back), and concurrent asks for one session share one lookup. The
 * read path thus costs one indexed lookup per session and cache period, not one per request.
 */
export function createSessionCheck(options: SessionCheckOptions): SessionCheck {
  const tokens = options.db.collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens);
  const now = options.now ?? (() => new Date());
  return cachedLookup({
    ask: async (sessionId) =>
      (await tokens.findOne(
        { familyId: sessionId, revokedAt: { $exists: false }, expiresAt: { $gt: now() } },
        { projection: { _id: 1 } },
      )) !== null,
    trustedUntil: (live, at) => (live ? at + options.cacheMs : Number.POSITIVE_INFINITY),
    maxEntries: options.maxEntries ?? 10_000,
    now,
  });
}
