// The peer: the request auth's GET /auth/me serves (verify an ES256 access token, check that
// its session is live, read the user from MongoDB), written as a Knative Functions (faas-js-runtime) function, with its
// dependencies loaded from node_modules as `func` deploys them.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { MongoClient, ObjectId } from 'mongodb';

const env = process.env;
const client = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 3000 });
const users = client.db(env.MONGODB_DB).collection('users');
const sessions = client.db(env.MONGODB_DB).collection('refresh_tokens');
const keys = createLocalJWKSet(JSON.parse(env.AUTH_PUBLIC_JWKS));

async function readiness(_request, reply) {
  try {
    await client.db(env.MONGODB_DB).command({ ping: 1 });
    reply.send('OK');
  } catch {
    reply.code(503).send('MongoDB unavailable');
  }
}

async function handle(context) {
  const token = /^Bearer (.+)$/.exec(context.headers.authorization ?? '')?.[1];
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

export { handle, readiness };
