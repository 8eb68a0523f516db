import { parseConfig } from '@zerochat/runtime';
import type { AuthSettings } from '../src/app.ts';
import { authConfigSchema } from '../src/config.ts';
import { generateSigningKey, type PrivateJwks } from '../src/signing-keys.ts';

/** A fresh signing key set of `count` keys, as `npm run keys` makes them. */
export async function testSigningKeys(count = 1): Promise<PrivateJwks> {
  return { keys: await Promise.all(Array.from({ length: count }, () => generateSigningKey())) };
}

/**
 * The auth settings the defaults give (as from a minimal environment), with a fresh key set;
 * `env` overrides variables as strings, exactly as the environment would.
 */
export async function testAuthSettings(
  env: Record<string, string> = {},
  signingKeys?: PrivateJwks,
): Promise<AuthSettings> {
  const keys = signingKeys ?? (await testSigningKeys());
  return parseConfig(authConfigSchema, {
    MONGODB_URI: 'mongodb://unused',
    AUTH_SIGNING_KEYS: JSON.stringify(keys),
    ...env,
  });
}
