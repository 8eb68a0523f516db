import { COLLECTIONS, isDuplicateKey, type RefreshTokenDocument } from '@zerochat/data';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { type Db, ObjectId } from 'mongodb';

export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** An ES256 key pair as the auth function would publish it. */
export async function testSigningKey(kid = 'test-key'): Promise<TestSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export const TEST_ISSUER = 'zerochat-test';
export const TEST_AUDIENCE = 'zerochat';
/** The session (`sid`) of the tokens signAccessToken signs unless told otherwise. */
export const TEST_SESSION_ID = 'test-session';

/**
 * Makes TEST_SESSION_ID a live session in `db`, as a login would (a refresh token of that
 * family, expiring in 2100), so that a verifier's session check lets its tokens through.
 */
export async function liveTestSession(db: Db, sessionId = TEST_SESSION_ID): Promise<void> {
  // Live for any clock a test sets.
  const never = new Date('2100-01-01T00:00:00Z');
  const token: Omit<RefreshTokenDocument, '_id'> = {
    userId: new ObjectId(),
    familyId: sessionId,
    tokenHash: `test:${sessionId}`,
    parentHash: `family:${sessionId}`,
    createdAt: new Date(),
    expiresAt: never,
    sessionExpiresAt: never,
  };
  try {
    await db
      .collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens)
      .updateOne({ tokenHash: token.tokenHash }, { $setOnInsert: token }, { upsert: true });
  } catch (error) {
    // Two test files upserting it at once: one of them made it.
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Signs an access token; any claim (undefined removes it) and the header can be overridden to
 * forge bad ones. Its session is `sid` (default `test-session`): a verifier must find it live.
 */
export async function signAccessToken(
  key: TestSigningKey,
  options: { claims?: JWTPayload; header?: Record<string, unknown>; now?: Date } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload: JWTPayload = {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'user-1',
    role: 'user',
    sid: TEST_SESSION_ID,
    iat: now,
    exp: now + 900,
    jti: crypto.randomUUID(),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...options.header })
    .sign(key.privateKey);
}
