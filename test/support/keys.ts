import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

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

/** Signs an access token; any claim (undefined removes it) and the header can be overridden to forge bad ones. */
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
    typ: 'access',
    iat: now,
    exp: now + 900,
    jti: crypto.randomUUID(),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...options.header })
    .sign(key.privateKey);
}
