import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isDuplicateKey, type RefreshTokenDocument } from '@zerochat/data';
import { type Collection, ObjectId } from 'mongodb';

/** What a client keeps: an opaque refresh token, its session (family) and when it expires. */
export interface IssuedRefreshToken {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

export type RefreshTokenRejection = 'unknown' | 'expired' | 'revoked' | 'reused';

export type Rotation =
  | { ok: true; userId: ObjectId; next: IssuedRefreshToken }
  | { ok: false; reason: RefreshTokenRejection };

export interface SessionStore {
  /** Starts a session: the first refresh token of a new family. */
  start(userId: ObjectId): Promise<IssuedRefreshToken>;
  /**
   * Spends a refresh token and issues its successor in the same family. Of any number of
   * concurrent rotations of one token exactly one succeeds. A token presented after it was
   * spent revokes its whole family (reuse detection) and is `reused`.
   */
  rotate(refreshToken: string): Promise<Rotation>;
  /** Ends the session of a token, whatever its state; false for a token never issued. */
  endSessionOf(refreshToken: string): Promise<boolean>;
  revokeFamily(familyId: string): Promise<void>;
  /** Ends every session of a user (password change, disabled account). */
  revokeAllForUser(userId: ObjectId): Promise<void>;
}

export interface SessionStoreOptions {
  collection: Collection<RefreshTokenDocument>;
  /** How long a refresh token is valid after it is issued; each rotation starts anew. */
  ttlSeconds: number;
  now: () => Date;
}

/** 256 bits from the CSPRNG, base64url without padding. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashRefreshToken(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
}

export function createSessionStore({ collection, ttlSeconds, now }: SessionStoreOptions): SessionStore {
  /**
   * Marks every live token matching `filter` revoked, twice: a successor inserted while the
   * first pass ran is either caught by the second pass or sees the first pass's mark on its
   * parent (see `insert`), so no token of a revoked family survives.
   */
  async function revoke(filter: Partial<Pick<RefreshTokenDocument, 'familyId' | 'userId'>>) {
    for (let pass = 0; pass < 2; pass++) {
      await collection.updateMany({ ...filter, revokedAt: { $exists: false } }, { $set: { revokedAt: now() } });
    }
  }

  async function insert(userId: ObjectId, familyId: string, parentHash: string): Promise<IssuedRefreshToken> {
    const continuesFamily = !parentHash.startsWith('family:');
    const refreshToken = randomBytes(32).toString('base64url');
    const createdAt = now();
    const expiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
    const _id = new ObjectId();
    const tokenHash = hashRefreshToken(refreshToken);
    await collection.insertOne({ _id, userId, familyId, tokenHash, parentHash, createdAt, expiresAt });
    const familyRevoked = () =>
      collection.findOne({ familyId, revokedAt: { $exists: true } }, { projection: { _id: 1 } });
    if (continuesFamily && (await familyRevoked())) {
      await collection.updateOne({ _id }, { $set: { revokedAt: now() } });
    }
    return { refreshToken, familyId, expiresAt };
  }

  const find = (refreshToken: string) =>
    REFRESH_TOKEN.test(refreshToken) ? collection.findOne({ tokenHash: hashRefreshToken(refreshToken) }) : null;

  return {
    start(userId) {
      const familyId = randomUUID();
      return insert(userId, familyId, `family:${familyId}`);
    },

    async rotate(refreshToken) {
      const token = await find(refreshToken);
      if (!token) return { ok: false, reason: 'unknown' };
      if (token.revokedAt) return { ok: false, reason: 'revoked' };
      const spentBefore = async () => {
        await revoke({ familyId: token.familyId });
        return { ok: false, reason: 'reused' } as const;
      };
      if (await collection.findOne({ parentHash: token.tokenHash }, { projection: { _id: 1 } })) return spentBefore();
      if (token.expiresAt <= now()) return { ok: false, reason: 'expired' };
      try {
        // The unique parentHash index lets only one successor name this token: the spend.
        const next = await insert(token.userId, token.familyId, token.tokenHash);
        return { ok: true, userId: token.userId, next };
      } catch (error) {
        if (isDuplicateKey(error)) return spentBefore();
        throw error;
      }
    },

    async endSessionOf(refreshToken) {
      const token = await find(refreshToken);
      if (!token) return false;
      await revoke({ familyId: token.familyId });
      return true;
    },

    revokeFamily: (familyId) => revoke({ familyId }),
    revokeAllForUser: (userId) => revoke({ userId }),
  };
}
