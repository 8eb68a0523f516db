import { base64url, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import {
  signAccessToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestSigningKey,
  testSigningKey,
} from '../../../../test/support/keys.ts';
import { createFunctionApp } from '../http/function-app.ts';
import { createLifecycle } from '../server/lifecycle.ts';
import { createAccessTokenVerifier, requireAccessToken, requireRole } from './access-token.ts';

let key: TestSigningKey;
let stranger: TestSigningKey;
const now = new Date('2026-11-26T12:00:00Z');

function appWithProtectedRoutes() {
  const app = createFunctionApp({
    name: 'test',
    api: { title: 't', version: '0', description: 'd' },
    log: captureLog().log,
    lifecycle: createLifecycle(),
    readiness: {},
    bodyLimitBytes: 1024,
  });
  const verify = createAccessTokenVerifier({
    keys: { jwks: { keys: [key.publicJwk] } },
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    maxLifetimeSeconds: 900,
    // The session store's answer; createSessionCheck is tested against FerretDB on its own.
    sessions: async (sessionId) => sessionId !== 'ended-session',
    now: () => now,
  });
  app.get('/test/whoami', requireAccessToken(verify), (c) => c.json(c.get('principal')));
  app.get('/test/admin', requireAccessToken(verify), requireRole('admin'), (c) => c.json({ ok: true }));
  return app;
}

async function call(token: string | undefined, path = '/test/whoami', scheme = 'Bearer') {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `${scheme} ${token}` };
  const response = await appWithProtectedRoutes().request(path, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

beforeAll(async () => {
  key = await testSigningKey('k1');
  stranger = await testSigningKey('k1');
});

describe('access-token middleware', () => {
  it('accepts a valid token and exposes the principal', async () => {
    const token = await signAccessToken(key, { now, claims: { sub: 'u42', role: 'admin', jti: 'j1' } });
    const { status, body } = await call(token);
    expect(status).toBe(200);
    expect(body).toEqual({ userId: 'u42', role: 'admin', tokenId: 'j1', sessionId: 'test-session' });
  });

  const unsigned = (header: object, payload: object) =>
    `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`;

  const cases: Array<[string, () => Promise<string | undefined>, string, string?]> = [
    ['no Authorization header', async () => undefined, 'token_missing'],
    [
      'an expired token',
      () => signAccessToken(key, { now, claims: { exp: now.getTime() / 1000 - 60 } }),
      'token_expired',
    ],
    [
      'a token not yet valid (nbf)',
      () => signAccessToken(key, { now, claims: { nbf: now.getTime() / 1000 + 3600 } }),
      'token_not_yet_valid',
    ],
    [
      'a token issued in the future (iat)',
      () => signAccessToken(key, { now, claims: { iat: now.getTime() / 1000 + 3600 } }),
      'token_not_yet_valid',
    ],
    [
      'a wrong audience',
      () => signAccessToken(key, { now, claims: { aud: 'someone-else' } }),
      'token_audience_invalid',
    ],
    [
      'a wrong issuer',
      () => signAccessToken(key, { now, claims: { iss: 'https://evil.example' } }),
      'token_issuer_invalid',
    ],
    ['a plain JWT (typ: JWT)', () => signAccessToken(key, { now, header: { typ: 'JWT' } }), 'token_type_invalid'],
    ['a token without typ', () => signAccessToken(key, { now, header: { typ: undefined } }), 'token_type_invalid'],
    [
      'a token that lives ten years',
      () => signAccessToken(key, { now, claims: { exp: now.getTime() / 1000 + 10 * 365 * 86_400 } }),
      'token_claims_invalid',
    ],
    [
      'a token that lives a second longer than the TTL',
      () => signAccessToken(key, { now, claims: { iat: now.getTime() / 1000 - 60, exp: now.getTime() / 1000 + 841 } }),
      'token_claims_invalid',
    ],
    ['a token without sid', () => signAccessToken(key, { now, claims: { sid: undefined } }), 'token_claims_invalid'],
    [
      'a token of an ended session',
      () => signAccessToken(key, { now, claims: { sid: 'ended-session' } }),
      'session_ended',
    ],
    [
      'a token without a role',
      () => signAccessToken(key, { now, claims: { role: undefined } }),
      'token_claims_invalid',
    ],
    [
      'a token with an unknown role',
      () => signAccessToken(key, { now, claims: { role: 'root' } }),
      'token_claims_invalid',
    ],
    ['a token without sub', () => signAccessToken(key, { now, claims: { sub: undefined } }), 'token_claims_invalid'],
    ['an unknown kid', () => signAccessToken(key, { now, header: { kid: 'k-unknown' } }), 'token_key_unknown'],
    [
      'a signature from another key with the same kid',
      () => signAccessToken(stranger, { now }),
      'token_signature_invalid',
    ],
    [
      'alg: none',
      async () =>
        unsigned(
          { alg: 'none', kid: 'k1', typ: 'at+jwt' },
          {
            sub: 'u1',
            role: 'admin',
            sid: 'test-session',
            iss: TEST_ISSUER,
            aud: TEST_AUDIENCE,
            exp: now.getTime() / 1000 + 60,
          },
        ),
      'token_algorithm_invalid',
    ],
    [
      'HS256 signed with the public key as the secret',
      async () =>
        new SignJWT({ sub: 'u1', role: 'admin', sid: 'test-session', jti: 'x' })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setIssuedAt(now)
          .setExpirationTime(now.getTime() / 1000 + 60)
          .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk))),
      'token_algorithm_invalid',
    ],
    ['garbage', async () => 'not-a-jwt', 'token_malformed'],
    ['three garbage segments', async () => 'aaa.bbb.ccc', 'token_malformed'],
    ['a Basic credential', async () => 'dXNlcjpwYXNz', 'token_malformed', 'Basic'],
  ];

  it.each(cases)('rejects %s with 401', async (_name, makeToken, code, scheme) => {
    const { status, body, headers } = await call(await makeToken(), '/test/whoami', scheme);
    expect(status).toBe(401);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(headers.get('www-authenticate')).toContain('Bearer');
    expect(body).toMatchObject({ status: 401, code });
  });

  it('gives every failure class its own code', () => {
    const codes = new Set(cases.map(([, , code]) => code));
    expect(codes.size).toBeGreaterThanOrEqual(10);
  });

  it('answers 403 when the role is not enough', async () => {
    const userToken = await signAccessToken(key, { now, claims: { role: 'user' } });
    expect(await call(userToken, '/test/admin')).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const adminToken = await signAccessToken(key, { now, claims: { role: 'admin' } });
    expect((await call(adminToken, '/test/admin')).status).toBe(200);
  });
});

describe('a verified token remembered for verifiedCacheMs', () => {
  const verifierAt = (clock: { now: Date }, live: Set<string>) =>
    createAccessTokenVerifier({
      keys: { jwks: { keys: [key.publicJwk] } },
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      maxLifetimeSeconds: 900,
      sessions: async (sessionId) => live.has(sessionId),
      verifiedCacheMs: 2000,
      now: () => clock.now,
    });

  it('still checks the session on every request', async () => {
    const live = new Set(['test-session']);
    const verify = verifierAt({ now }, live);
    const token = await signAccessToken(key, { now });
    await expect(verify(token)).resolves.toMatchObject({ sessionId: 'test-session' });
    live.delete('test-session');
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: 'session_ended' });
  });

  it('refuses it once it has expired, however recently it verified', async () => {
    const clock = { now };
    const verify = verifierAt(clock, new Set(['test-session']));
    // Expired 29 s ago: still within the 30 s clock tolerance, so it verifies now...
    const token = await signAccessToken(key, { now, claims: { exp: now.getTime() / 1000 - 29 } });
    await expect(verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    // ...and not 1.5 s later, within the 2 s it would otherwise be remembered.
    clock.now = new Date(now.getTime() + 1500);
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('gives each request a principal of its own', async () => {
    const verify = verifierAt({ now }, new Set(['test-session']));
    const token = await signAccessToken(key, { now });
    const first = await verify(token);
    first.apiKeyId = 'k';
    expect(await verify(token)).not.toHaveProperty('apiKeyId');
  });
});
