import { createECDH, createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALGORITHM, envJwkSet, p256Jwk } from '@zerochat/runtime';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

const privateJwk = p256Jwk.extend({ d: z.string().min(1, 'every key needs its private part "d"') });

export type PrivateJwk = z.output<typeof privateJwk>;
export interface PrivateJwks {
  keys: PrivateJwk[];
}

/** `AUTH_SIGNING_KEYS`: a private JWK set; the first key signs, every key is published. */
export const signingKeySetEnv = envJwkSet(privateJwk).superRefine((set, ctx) => {
  const kids = set.keys.map((key) => key.kid);
  if (new Set(kids).size !== kids.length) ctx.addIssue({ code: 'custom', message: 'kids must be unique' });
  set.keys.forEach((key, index) => {
    if (!isKeyPair(key)) {
      ctx.addIssue({ code: 'custom', path: ['keys', index], message: 'is not a valid P-256 key pair' });
    }
  });
});

/**
 * Node accepts a JWK whose "d" does not belong to its "x" and "y"; tokens signed with it
 * would verify nowhere. The public point made from "d" must be "x" and "y". (Deriving it is a
 * fraction of the cost of a probe signature, and this runs on every cold start.)
 */
function isKeyPair(key: PrivateJwk): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(key.d, 'base64url'));
    // Uncompressed: 0x04, then X and Y of 32 bytes each.
    const point = ecdh.getPublicKey();
    return point.subarray(1, 33).toString('base64url') === key.x && point.subarray(33).toString('base64url') === key.y;
  } catch {
    return false;
  }
}

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

export interface SigningKeyRing {
  /** The key that signs new tokens: the first of the set. */
  signer: { kid: string; key: KeyObject };
  /** Every key of the set, public parts only, as served at /auth/.well-known/jwks.json. */
  publicJwks: { keys: PublicJwk[] };
}

export function publicJwk({ kty, crv, x, y, kid }: PrivateJwk): PublicJwk {
  return { kty, crv, x, y, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

/** Synchronous, so a cold start spends no extra tick on key import. */
export function signingKeyRing(set: PrivateJwks): SigningKeyRing {
  const [first] = set.keys;
  if (!first) throw new RangeError('a signing key set needs at least one key');
  return {
    signer: { kid: first.kid, key: createPrivateKey({ key: first as JsonWebKey, format: 'jwk' }) },
    publicJwks: { keys: set.keys.map(publicJwk) },
  };
}

/** A new P-256 key whose kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const jwk = (await exportJWK(privateKey)) as JWK & { x: string; y: string; d: string };
  const kid = await calculateJwkThumbprint(jwk);
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: ACCESS_TOKEN_ALGORITHM };
}
