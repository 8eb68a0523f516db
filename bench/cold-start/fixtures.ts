import { createPasswordHasher } from '@zerochat/accounts';
import { COLLECTIONS, type RefreshTokenDocument, type UserDocument } from '@zerochat/data';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { MongoClient, ObjectId } from 'mongodb';

const BENCH_ISSUER = 'zerochat';
const BENCH_AUDIENCE = 'zerochat';

/** What every subject needs to answer a real request: a key set, users, their tokens. */
export interface Fixtures {
  mongoUri: string;
  dbName: string;
  /** What a process needs to read this database and verify these tokens (MONGODB_*, AUTH_*). */
  env: Record<string, string>;
  signingJwks: string;
  user: { id: string; email: string; password: string; token: string };
  admin: { id: string; email: string; token: string };
  /** An access token for any user id, signed with the key set above, in the fixtures' session or `sessionId`. */
  signToken(sub: string, role: 'user' | 'admin', sessionId?: string): Promise<string>;
}

/** Creates a signing key and two users (one admin) in a database of the benchmark's own. */
export async function prepareFixtures(mongoUri: string, dbName: string): Promise<Fixtures> {
  const hasher = createPasswordHasher();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'bench';
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  // Every token is of one live session (a refresh token of its family is in the database).
  const sessionId = `bench-${crypto.randomUUID()}`;
  const sign = (sub: string, role: 'user' | 'admin', sid = sessionId) =>
    new SignJWT({ role, sid })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setSubject(sub)
      .setIssuer(BENCH_ISSUER)
      .setAudience(BENCH_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .setJti(crypto.randomUUID())
      .sign(privateKey);

  const client = new MongoClient(mongoUri);
  try {
    const users = client.db(dbName).collection<UserDocument>(COLLECTIONS.users);
    const now = new Date();
    const password = 'bench-password-1';
    const make = async (email: string, role: 'user' | 'admin') => {
      const _id = new ObjectId();
      await users.insertOne({
        _id,
        email,
        passwordHash: await hasher.hash(password),
        displayName: null,
        role,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
      return _id.toHexString();
    };
    const never = new Date(now.getTime() + 365 * 86_400_000);
    await client
      .db(dbName)
      .collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens)
      .insertOne({
        _id: new ObjectId(),
        userId: new ObjectId(),
        familyId: sessionId,
        tokenHash: sessionId,
        parentHash: `family:${sessionId}`,
        createdAt: now,
        expiresAt: never,
        sessionExpiresAt: never,
      });
    const userId = await make('bench-user@example.com', 'user');
    const adminId = await make('bench-admin@example.com', 'admin');
    return {
      mongoUri,
      dbName,
      env: {
        MONGODB_URI: mongoUri,
        MONGODB_DB: dbName,
        AUTH_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk] }),
        AUTH_ISSUER: BENCH_ISSUER,
        AUTH_AUDIENCE: BENCH_AUDIENCE,
        // The fixtures' tokens live 2 hours, so that a long run does not outlast them.
        AUTH_ACCESS_TOKEN_TTL_SECONDS: '7200',
      },
      signingJwks: JSON.stringify({ keys: [privateJwk] }),
      user: { id: userId, email: 'bench-user@example.com', password, token: await sign(userId, 'user') },
      admin: { id: adminId, email: 'bench-admin@example.com', token: await sign(adminId, 'admin') },
      signToken: sign,
    };
  } finally {
    await client.close();
  }
}
