import { base64url, decodeJwt, importJWK, type JWK, SignJWT } from 'jose';
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
  | 'expiredAdmin'
  | 'tenYears'
  | 'plainJwt'
  | 'endedSession';

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
  /** An access token, not expired, of a session that was logged out. */
  endedSessionToken: string;
}): Promise<Record<TokenKind, string>> {
  const { key, sub } = options;
  // Of the user's live session, so that only what is forged about a token is wrong with it.
  const sid = decodeJwt(options.accessToken).sid;
  const now = Math.floor(Date.now() / 1000);
  const impostor = await testSigningKey(key.kid);
  const unsigned = (payload: object) =>
    `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid }))}.${base64url.encode(JSON.stringify(payload))}.`;
  return {
    valid: options.accessToken,
    expired: await signAccessToken(key, { claims: { sub, sid, iat: now - 7200, exp: now - 3600 } }),
    wrongAudience: await signAccessToken(key, { claims: { sub, sid, aud: 'someone-else' } }),
    wrongIssuer: await signAccessToken(key, { claims: { sub, sid, iss: `${TEST_ISSUER}-elsewhere` } }),
    // The right kid, another key: what an attacker without the private key can make.
    forged: await signAccessToken(impostor, { claims: { sub, sid } }),
    unknownKey: await signAccessToken(await testSigningKey('not-published'), { claims: { sub, sid } }),
    algNone: unsigned({
      sub,
      sid,
      role: 'admin',
      iss: TEST_ISSUER,
      aud: 'zerochat',
      iat: now,
      exp: now + 600,
      jti: 'x',
    }),
    hs256: await new SignJWT({ role: 'admin', sid })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
      .setSubject(sub)
      .setIssuer(TEST_ISSUER)
      .setAudience('zerochat')
      .setIssuedAt()
      .setExpirationTime('10m')
      .setJti('x')
      .sign(new TextEncoder().encode('a shared secret anyone could guess')),
    refreshToken: options.refreshToken,
    // Not typed as an access token (RFC 9068): a plain JWT signed with the same key.
    refreshTyped: await signAccessToken(key, { claims: { sub, sid }, header: { typ: 'refresh+jwt' } }),
    plainJwt: await signAccessToken(key, { claims: { sub, sid }, header: { typ: 'JWT' } }),
    tenYears: await signAccessToken(key, { claims: { sub, sid, exp: now + 10 * 365 * 86_400 } }),
    endedSession: options.endedSessionToken,
    admin: options.adminToken,
    // Validly signed, but the account it names is no admin: the admin function reads the account.
    selfPromoted: await signAccessToken(key, { claims: { sub, sid, role: 'admin' } }),
    expiredAdmin: await signAccessToken(key, {
      claims: { sub: options.adminSub, sid, role: 'admin', iat: now - 7200, exp: now - 3600 },
    }),
  };
}
