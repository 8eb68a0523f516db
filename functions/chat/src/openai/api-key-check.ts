import { type ApiKeyDocument, COLLECTIONS, hashApiKey, type UserDocument } from '@zerochat/data';
import { cachedLookup, type Principal } from '@zerochat/runtime';
import type { Db } from 'mongodb';

/** Why a key is refused: unknown (never made, or revoked), past its expiry, or its owner disabled. */
export type ApiKeyRejection = 'unknown' | 'expired' | 'account_disabled';

/** The caller a key stands for, or why it is refused. */
export type ApiKeyCheck = (key: string) => Promise<Principal | ApiKeyRejection>;

export interface ApiKeyCheckOptions {
  db: Db;
  /** How long an answer is trusted before the store is asked again, in ms (AUTH_SESSION_CACHE_MS, at most 5 s). */
  cacheMs: number;
  /** Keys remembered at most; the least recently asked go first. */
  maxEntries?: number;
  now?: () => Date;
}

/** A key's owner as the store told it; null: no such key, or its owner is gone. */
type KeyOwner = {
  keyId: string;
  userId: string;
  role: Principal['role'];
  disabled: boolean;
  expiresAt: Date | null;
} | null;

/**
 * Checks an API key against api_keys and its owner against users, behind a short cache: a
 * revoked key, a disabled owner and a deleted account are refused within `cacheMs` on every
 * instance, and a busy key costs two indexed lookups per cache period, not per request.
 * Unknown keys are cached too, so guessing costs the database nothing extra. Expiry is judged
 * at each use, from the cached expiry.
 */
export function createApiKeyCheck(options: ApiKeyCheckOptions): ApiKeyCheck {
  const keys = options.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys);
  const users = options.db.collection<UserDocument>(COLLECTIONS.users);
  const now = options.now ?? (() => new Date());
  const lookUp = cachedLookup<KeyOwner>({
    ask: async (keyHash) => {
      const key = await keys.findOne({ keyHash }, { projection: { userId: 1, expiresAt: 1 } });
      const user = key && (await users.findOne({ _id: key.userId }, { projection: { role: 1, disabled: 1 } }));
      return key && user
        ? {
            keyId: key._id.toHexString(),
            userId: user._id.toHexString(),
            role: user.role,
            disabled: user.disabled,
            expiresAt: key.expiresAt,
          }
        : null;
    },
    trustedUntil: (_owner, at) => at + options.cacheMs,
    maxEntries: options.maxEntries ?? 10_000,
    now,
  });

  return async function checkApiKey(key) {
    const owner = await lookUp(hashApiKey(key));
    if (!owner) return 'unknown';
    if (owner.expiresAt && owner.expiresAt.getTime() <= now().getTime()) return 'expired';
    if (owner.disabled) return 'account_disabled';
    const session = `api-key:${owner.keyId}`;
    return { userId: owner.userId, role: owner.role, tokenId: session, sessionId: session, apiKeyId: owner.keyId };
  };
}
