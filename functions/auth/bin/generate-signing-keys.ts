#!/usr/bin/env node
// Generates access-token signing keys: npm run keys [-- --keep '<current AUTH_SIGNING_KEYS>'] [-- --json]
// Prints the private set (AUTH_SIGNING_KEYS, for the auth function only), the public set
// (what /auth/.well-known/jwks.json serves) and the AUTH_PUBLIC_JWKS value for verifiers.
import { parseArgs } from 'node:util';
import { parseConfig } from '@zerochat/runtime';
import { z } from 'zod';
import { generateSigningKey, type PrivateJwks, publicJwk, signingKeySetEnv } from '../src/signing-keys.ts';

const { values } = parseArgs({
  options: {
    keep: { type: 'string', short: 'k' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(`Usage: npm run keys [-- --keep '<AUTH_SIGNING_KEYS>'] [-- --json]

Generates a new ES256 (P-256) signing key; its kid is its RFC 7638 thumbprint.
  --keep <set>  rotate: the new key goes first (it signs), the keys of <set> stay published
  --json        print {"AUTH_SIGNING_KEYS": ..., "AUTH_PUBLIC_JWKS": ...} instead of text
`);
  process.exit(0);
}

let kept: PrivateJwks = { keys: [] };
if (values.keep !== undefined) {
  try {
    kept = parseConfig(z.object({ AUTH_SIGNING_KEYS: signingKeySetEnv }), {
      AUTH_SIGNING_KEYS: values.keep,
    }).AUTH_SIGNING_KEYS;
  } catch (error) {
    process.stderr.write(`--keep: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const signingKeys: PrivateJwks = { keys: [await generateSigningKey(), ...kept.keys] };
const publicKeys = { keys: signingKeys.keys.map(publicJwk) };
const privateText = JSON.stringify(signingKeys);
const publicText = JSON.stringify(publicKeys);

if (values.json) {
  process.stdout.write(`${JSON.stringify({ AUTH_SIGNING_KEYS: privateText, AUTH_PUBLIC_JWKS: publicText })}\n`);
} else {
  process.stdout.write(`# Private signing keys: the auth function's AUTH_SIGNING_KEYS. A secret: never commit it.
AUTH_SIGNING_KEYS='${privateText}'

# Public keys, as GET /auth/.well-known/jwks.json serves them:
${JSON.stringify(publicKeys, null, 2)}

# For every function that verifies access tokens (chat, admin):
AUTH_PUBLIC_JWKS='${publicText}'
`);
}
