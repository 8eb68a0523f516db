import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isDuplicateKey, type RefreshTokenDocument } from '@zerochat/data';
import { type Collection, ObjectId } from 'mongodb';

/** What a client keeps: an opaque refresh token, its session (family) and when it expires. */
export interface IssuedRefreshToken {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
  /** When the session ends however often it is refreshed: no token of it lives longer. */
  sessionExpiresAt: Date;
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
   * concurrent rotations of one token exactly one spends it. A token presented again within
   * the reuse grace of its rotation, while its successor is the newest of its line, is a retry
   * and gets a successor of its own (a few at most). Any other token presented after it was
   * spent revokes its whole family (reuse detection) and is `reused`.
   */
  rotate(refreshToken: string): Promise<Rotation>;
  /** Ends the session of a token, whatever its state; false for a token never issued. */
  endSessionOf(refreshToken: string): Promise<boolean>;
  revokeFamily(familyId: string): Promise<void>;
  /** Ends every session of a user (password change, disabled account). */
  revokeAllForUser(userId: ObjectId): Promise<void>;
}

/** How long sessions and their refresh tokens live (AUTH_REFRESH_TOKEN_TTL_SECONDS and the like). */
export interface SessionLifetimes {
  /** How long a refresh token is valid after it is issued; each rotation starts anew. */
  ttlSeconds: number;
  /** How long a session lives from its login, however often it is refreshed. */
  maxAgeSeconds: number;
  /** How soon after a rotation the spent token may be presented again as a retry. */
  reuseGraceSeconds: number;
}

/** The defaults of the auth function's configuration. */
export const DEFAULT_SESSION_LIFETIMES: Readonly<SessionLifetimes> = {
  ttlSeconds: 30 * 24 * 3600,
  maxAgeSeconds: 90 * 24 * 3600,
  reuseGraceSeconds: 10,
};

export interface SessionStoreOptions extends SessionLifetimes {
  collection: Collection<RefreshTokenDocument>;
  now: () => Date;
}

/** How many retries of one rotation get a token of their own; a burst beyond that is reuse. */
const RETRIES_PER_ROTATION = 3;

/** 256 bits from the CSPRNG, base64url without padding. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashRefreshToken(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
}

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { collection, ttlSeconds, now } = options;
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

  async function insert(
    parent: Pick<RefreshTokenDocument, 'userId' | 'familyId' | 'sessionExpiresAt'>,
    parentHash: string,
  ): Promise<IssuedRefreshToken> {
    const { userId, familyId } = parent;
    const continuesFamily = !parentHash.startsWith('family:');
    const refreshToken = randomBytes(32).toString('base64url');
    const createdAt = now();
    // A token from before sessions had an end starts the clock of its session now.
    const sessionExpiresAt = parent.sessionExpiresAt ?? new Date(createdAt.getTime() + options.maxAgeSeconds * 1000);
    const expiresAt = new Date(Math.min(createdAt.getTime() + ttlSeconds * 1000, sessionExpiresAt.getTime()));
    const _id = new ObjectId();
    const tokenHash = hashRefreshToken(refreshToken);
    await collection.insertOne({
      _id,
      userId,
      familyId,
      tokenHash,
      parentHash,
      createdAt,
      expiresAt,
      sessionExpiresAt,
    });
    const familyRevoked = () =>
      collection.findOne({ familyId, revokedAt: { $exists: true } }, { projection: { _id: 1 } });
    if (continuesFamily && (await familyRevoked())) {
      await collection.updateOne({ _id }, { $set: { revokedAt: now() } });
    }
    return { refreshToken, familyId, expiresAt, sessionExpiresAt };
  }

  /**
   * A spent token came back. Within the reuse grace of its rotation, while its successor is
   * still the newest of its line (not spent itself), it is a client's retry of a refresh whose
   * answer was lost, or two tabs refreshing at once: it gets a successor of its own, named
   * `retry:<n>:<tokenHash>` under the same unique index, so at most RETRIES_PER_ROTATION retries
   * do. Anything else means two parties hold the token: the family is revoked.
   */
  async function spentBefore(token: RefreshTokenDocument, successor: RefreshTokenDocument): Promise<Rotation> {
    const inGrace = successor.createdAt.getTime() + options.reuseGraceSeconds * 1000 > now().getTime();
    if (inGrace && !successor.revokedAt && token.expiresAt > now()) {
      const newest = !(await collection.findOne({ parentHash: successor.tokenHash }, { projection: { _id: 1 } }));
      for (let retry = 1; newest && retry <= RETRIES_PER_ROTATION; retry++) {
        try {
          return { ok: true, userId: token.userId, next: await insert(token, `retry:${retry}:${token.tokenHash}`) };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
    }
    await revoke({ familyId: token.familyId });
    return { ok: false, reason: 'reused' };
  }

  const find = (refreshToken: string) =>
    REFRESH_TOKEN.test(refreshToken) ? collection.findOne({ tokenHash: hashRefreshToken(refreshToken) }) : null;

  return {
    start(userId) {
      const familyId = randomUUID();
      return insert({ userId, familyId }, `family:${familyId}`);
    },

    async rotate(refreshToken) {
      const token = await find(refreshToken);
      if (!token) return { ok: false, reason: 'unknown' };
      if (token.revokedAt) return { ok: false, reason: 'revoked' };
      const successor = () => collection.findOne({ parentHash: token.tokenHash });
      const spent = await successor();
      if (spent) return spentBefore(token, spent);
      if (token.expiresAt <= now()) return { ok: false, reason: 'expired' };
      try {
        // The unique parentHash index lets only one successor name this token: the spend.
        const next = await insert(token, token.tokenHash);
        return { ok: true, userId: token.userId, next };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const winner = await successor();
        if (!winner) throw error;
        return spentBefore(token, winner);
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
