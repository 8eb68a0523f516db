import { base64url, importJWK, type JWK, SignJWT } from 'jose';
import { signAccessToken, TEST_ISSUER, type TestSigningKey, testSigningKey } from '../support/keys.ts';

export type TokenKind =
  | 'valid'
  | 'expired'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'forged'
  | 'unknownKey'
  | 'algNone'
  | 'hs256'
  | 'refreshToken'
  | 'refreshTyped'
  | 'admin'
  | 'selfPromoted'
  | 'expiredAdmin';

/** A signing key of the auth function's set, as a test key that can sign forged variants. */
export async function asTestKey(privateJwk: JWK & { kid: string }): Promise<TestSigningKey> {
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    kid: privateJwk.kid,
    privateKey: (await importJWK(privateJwk, 'ES256')) as TestSigningKey['privateKey'],
    publicJwk,
  };
}

/** Every kind of bearer token the matrix sends, for the user `sub`. */
export async function badTokens(options: {
  key: TestSigningKey;
  sub: string;
  accessToken: string;
  refreshToken: string;
  /** An access token of an enabled admin account. */
  adminToken: string;
  adminSub: string;
}): Promise<Record<TokenKind, string>> {
  const { key, sub } = options;
  const now = Math.floor(Date.now() / 1000);
  const impostor = await testSigningKey(key.kid);
  const unsigned = (payload: object) =>
    `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: key.kid }))}.${base64url.encode(JSON.stringify(payload))}.`;
  return {
    valid: options.accessToken,
    expired: await signAccessToken(key, { claims: { sub, iat: now - 7200, exp: now - 3600 } }),
    wrongAudience: await signAccessToken(key, { claims: { sub, aud: 'someone-else' } }),
    wrongIssuer: await signAccessToken(key, { claims: { sub, iss: `${TEST_ISSUER}-elsewhere` } }),
    // The right kid, another key: what an attacker without the private key can make.
    forged: await signAccessToken(impostor, { claims: { sub } }),
    unknownKey: await signAccessToken(await testSigningKey('not-published'), { claims: { sub } }),
    algNone: unsigned({
      sub,
      role: 'admin',
      typ: 'access',
      iss: TEST_ISSUER,
      aud: 'zerochat',
      iat: now,
      exp: now + 600,
      jti: 'x',
    }),
    hs256: await new SignJWT({ role: 'admin', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setSubject(sub)
      .setIssuer(TEST_ISSUER)
      .setAudience('zerochat')
      .setIssuedAt()
      .setExpirationTime('10m')
      .setJti('x')
      .sign(new TextEncoder().encode('a shared secret anyone could guess')),
    refreshToken: options.refreshToken,
    refreshTyped: await signAccessToken(key, { claims: { sub, typ: 'refresh' } }),
    admin: options.adminToken,
    // Validly signed, but the account it names is no admin: the admin function reads the account.
    selfPromoted: await signAccessToken(key, { claims: { sub, role: 'admin' } }),
    expiredAdmin: await signAccessToken(key, {
      claims: { sub: options.adminSub, role: 'admin', iat: now - 7200, exp: now - 3600 },
    }),
  };
}
