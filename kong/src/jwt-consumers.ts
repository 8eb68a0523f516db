import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { KongConsumer } from './declarative-schema.ts';

/** A public ES256 signing key as the auth function publishes it (JWKS entry). */
export interface PublicSigningKey {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
  alg?: string;
  [other: string]: unknown;
}

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

const SAFE_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

/** The consumer username that carries a key's credential; stable for a given kid. */
export function signingKeyConsumerName(kid: string): string {
  const suffix = SAFE_NAME.test(kid) ? kid : createHash('sha256').update(kid).digest('hex').slice(0, 16);
  return `signing-key-${suffix}`;
}

/** The PEM (SPKI) form of a public EC P-256 JWK, which Kong's jwt credential expects. */
export function publicKeyPem(key: PublicSigningKey): string {
  if (key.kty !== 'EC' || key.crv !== 'P-256')
    throw new SigningKeyError(`key ${key.kid ?? '?'}: must be an EC P-256 key`);
  if ('d' in key) throw new SigningKeyError(`key ${key.kid ?? '?'}: is a private key; pass the public key set`);
  if (key.alg !== undefined && key.alg !== 'ES256')
    throw new SigningKeyError(`key ${key.kid ?? '?'}: alg must be ES256`);
  const { kty, crv, x, y } = key;
  return createPublicKey({ key: { kty, crv, x, y } as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/**
 * One consumer per signing key, each with one ES256 jwt credential whose `key` is the kid: the
 * jwt plugin (with `key_claim_name: kid`) finds the credential by the token header's kid.
 */
export function jwtConsumers(keys: readonly PublicSigningKey[], tags: readonly string[]): KongConsumer[] {
  const kids = new Set<string>();
  return keys
    .map((key) => {
      const kid = key.kid;
      if (!kid) throw new SigningKeyError('every signing key needs a kid');
      if (kids.has(kid)) throw new SigningKeyError(`kid ${kid} appears twice`);
      kids.add(kid);
      return {
        username: signingKeyConsumerName(kid),
        custom_id: kid,
        tags: [...tags],
        jwt_secrets: [{ key: kid, algorithm: 'ES256' as const, rsa_public_key: publicKeyPem(key), tags: [...tags] }],
      };
    })
    .sort((a, b) => a.custom_id.localeCompare(b.custom_id));
}
