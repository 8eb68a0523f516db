// The work of auth's GET /auth/me (verify an ES256 access token, check that its session is
// live, read the user from MongoDB), with nothing of zerochat's: what the peer and the least
// function on zerochat's stack each serve, so that both do the same work as auth.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { MongoClient, ObjectId } from 'mongodb';

export function authMeWork(env) {
  const client = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 3000 });
  const db = client.db(env.MONGODB_DB);
  const users = db.collection('users');
  const sessions = db.collection('refresh_tokens');
  const keys = createLocalJWKSet(JSON.parse(env.AUTH_PUBLIC_JWKS));

  async function ready() {
    try {
      await db.command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async function me(authorization) {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) return { statusCode: 401, body: { code: 'token_missing' } };
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['ES256'],
        typ: 'at+jwt',
        issuer: env.AUTH_ISSUER,
        audience: env.AUTH_AUDIENCE,
      });
      const live = await sessions.findOne(
        { familyId: payload.sid, revokedAt: { $exists: false }, expiresAt: { $gt: new Date() } },
        { projection: { _id: 1 } },
      );
      if (!live) return { statusCode: 401, body: { code: 'session_ended' } };
      const user = await users.findOne({ _id: new ObjectId(payload.sub) });
      if (!user) return { statusCode: 404, body: { code: 'not_found' } };
      return { statusCode: 200, body: { id: user._id.toHexString(), email: user.email, role: user.role } };
    } catch {
      return { statusCode: 401, body: { code: 'token_invalid' } };
    }
  }

  return { client, ready, me };
}
