import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer, testClock } from '../../test/auth-server.ts';
import { testAuthSettings, testSigningKeys } from '../../test/auth-settings.ts';
import { generateSigningKey, type PrivateJwk, type PrivateJwks } from '../signing-keys.ts';

const database = useTestDatabase();
const clock = testClock();
let oldKeys: PrivateJwks;
let newKey: PrivateJwk;
let before: AuthServer;
let during: AuthServer;
let after: AuthServer;
const PASSWORD = 'correct horse battery';

/** The same database and clock, three key sets: before, during and after a rotation. */
beforeAll(async () => {
  oldKeys = await testSigningKeys();
  newKey = await generateSigningKey();
  const serverWith = async (keys: PrivateJwks) =>
    startAuthServer(database.db, { clock, config: await testAuthSettings({}, keys) });
  before = await serverWith(oldKeys);
  during = await serverWith({ keys: [newKey, ...oldKeys.keys] });
  after = await serverWith({ keys: [newKey] });
  await before.post('/auth/register', { email: 'rotate@example.com', password: PASSWORD });
});

const login = async (server: AuthServer) =>
  (await server.post('/auth/login', { email: 'rotate@example.com', password: PASSWORD })).body as {
    accessToken: string;
  };

describe('GET /auth/.well-known/jwks.json', () => {
  it('publishes every key, public parts only, and lets clients cache it briefly', async () => {
    const jwks = await during.get('/auth/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const keys = jwks.body.keys as Array<Record<string, unknown>>;
    expect(keys.map((key) => key.kid)).toEqual([newKey.kid, oldKeys.keys[0]?.kid]);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });

  it('verifies its tokens with jose against the published set, iss and aud pinned', async () => {
    const { accessToken } = await login(during);
    const jwks = createRemoteJWKSet(new URL(`${during.baseUrl}/auth/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
      algorithms: ['ES256'],
      issuer: during.config.AUTH_ISSUER,
      audience: during.config.AUTH_AUDIENCE,
      currentDate: clock.now(),
    });
    expect(protectedHeader).toMatchObject({ kid: newKey.kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ role: 'user', sid: expect.any(String) });
    await expect(
      jwtVerify(accessToken, jwks, { algorithms: ['ES256'], issuer: 'someone-else', currentDate: clock.now() }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
    await expect(
      jwtVerify(accessToken, jwks, { algorithms: ['ES256'], audience: 'another-api', currentDate: clock.now() }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  });
});

describe('key rotation', () => {
  it('signs with the first key and keeps accepting tokens of a key while it is published', async () => {
    const old = await login(before);
    expect(decodeProtectedHeader(old.accessToken).kid).toBe(oldKeys.keys[0]?.kid);

    // During the rotation the new key signs and the old token still works everywhere.
    const fresh = await login(during);
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKey.kid);
    expect((await during.get('/auth/me', old.accessToken)).status).toBe(200);
    expect((await during.get('/auth/me', fresh.accessToken)).status).toBe(200);

    // Once the old key is dropped its tokens are refused; the new key's still pass.
    const dropped = await after.get('/auth/me', old.accessToken);
    expect(dropped.status).toBe(401);
    expect(dropped.body.code).toBe('token_key_unknown');
    expect((await after.get('/auth/me', fresh.accessToken)).status).toBe(200);
  });
});
