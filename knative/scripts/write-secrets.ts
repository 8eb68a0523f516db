#!/usr/bin/env node
// Writes the per-install secrets that are never committed, from fresh random values: an ES256
// signing key (private set for auth, public set for chat and admin), MongoDB passwords and the
// first admin's password. Existing files and values are kept, so it is safe to rerun.
//
//   npm run kube:secrets      knative/base/secrets/{mongodb,auth,admin,public-keys}.env, and Kong's
//                             start-up config knative/base/secrets/kong.yaml from the public keys
//   npm run compose:secrets   .env (adds what is missing)
import { randomBytes } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type PublicSigningKey, renderKnativeStartConfig } from '@zerochat/kong';
import { generateSigningKey, type PrivateJwks, publicJwk } from '../../functions/auth/src/signing-keys.ts';

/** AUTH_SIGNING_KEYS (the private set) and AUTH_PUBLIC_JWKS (its public parts). */
async function signingKeySets(existing: string | undefined) {
  const privateSet: PrivateJwks = existing
    ? (JSON.parse(existing) as PrivateJwks)
    : { keys: [await generateSigningKey()] };
  return { privateSet, publicSet: { keys: privateSet.keys.map(publicJwk) } };
}

/** A password of URL-safe characters, so it can sit in a connection string as it is. */
export const randomPassword = () => randomBytes(24).toString('base64url');

export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

/** MONGODB_URI for the functions in the cluster, with the app user's password. */
export const clusterMongoUri = (password: string) =>
  `mongodb://zerochat:${password}@mongodb.zerochat.svc.cluster.local:27017/zerochat?authSource=zerochat`;

/** KEY=VALUE lines of an env file (kustomize and docker compose both read them). */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && line.includes('='))
    .map((line) => {
      const at = line.indexOf('=');
      const value = line.slice(at + 1);
      return [line.slice(0, at), /^'.*'$/.test(value) ? value.slice(1, -1) : value] as const;
    });
  return Object.fromEntries(entries);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const envLines = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');

/** Writes the cluster's secret env files that are missing; returns the files it wrote. */
export async function writeClusterSecrets(secretsDir: string): Promise<string[]> {
  const written: string[] = [];
  const write = async (name: string, header: string, values: Record<string, string>) => {
    const path = join(secretsDir, name);
    if (await exists(path)) return;
    await writeFile(path, `# ${header}\n${envLines(values)}`, { mode: 0o600 });
    written.push(path);
  };
  const appPassword = randomPassword();
  await write('mongodb.env', 'MongoDB credentials (Secret zerochat-mongodb); generated, never commit.', {
    MONGO_INITDB_ROOT_PASSWORD: randomPassword(),
    MONGODB_APP_PASSWORD: appPassword,
    MONGODB_URI: clusterMongoUri(appPassword),
  });
  const authPath = join(secretsDir, 'auth.env');
  const keys = await signingKeySets(
    (await exists(authPath))
      ? (parseEnvFile(await readFile(authPath, 'utf8')).AUTH_SIGNING_KEYS ?? '{"keys":[]}')
      : undefined,
  );
  await write('auth.env', 'Private signing keys (Secret zerochat-auth); generated, never commit.', {
    AUTH_SIGNING_KEYS: JSON.stringify(keys.privateSet),
  });
  await write('public-keys.env', 'Public signing keys (ConfigMap zerochat-public-keys); generated with auth.env.', {
    AUTH_PUBLIC_JWKS: JSON.stringify(keys.publicSet),
  });
  await write('admin.env', 'The first admin (Secret zerochat-admin); generated, never commit.', {
    BOOTSTRAP_ADMIN_EMAIL: DEFAULT_ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: randomPassword(),
  });
  if (await writeKongStartConfig(secretsDir)) written.push(join(secretsDir, 'kong.yaml'));
  return written;
}

/**
 * Renders Kong's start-up config (kong.yaml beside the secrets) with a jwt credential per key
 * of public-keys.env, whenever it differs: after a key rotation too, so a Kong that restarts
 * knows every key auth signs with. Returns whether it wrote the file.
 */
export async function writeKongStartConfig(secretsDir: string): Promise<boolean> {
  const env = parseEnvFile(await readFile(join(secretsDir, 'public-keys.env'), 'utf8'));
  const { keys } = JSON.parse(env.AUTH_PUBLIC_JWKS ?? '{}') as { keys?: PublicSigningKey[] };
  if (!Array.isArray(keys)) throw new Error(`${secretsDir}/public-keys.env: AUTH_PUBLIC_JWKS is not a JWK set`);
  const { text } = renderKnativeStartConfig(keys);
  const path = join(secretsDir, 'kong.yaml');
  if ((await readFile(path, 'utf8').catch(() => '')) === text) return false;
  await writeFile(path, text);
  return true;
}

/**
 * Fills in the secrets compose.yaml needs in a .env file: empty values (as copied from
 * .env.example) are replaced, missing ones appended, values already set kept. Returns the keys written.
 */
export async function writeComposeSecrets(envPath: string): Promise<string[]> {
  const text = (await exists(envPath)) ? await readFile(envPath, 'utf8') : '';
  const current = parseEnvFile(text);
  const keys = await signingKeySets(current.AUTH_SIGNING_KEYS);
  const wanted: Record<string, string> = {
    MONGO_INITDB_ROOT_PASSWORD: randomPassword(),
    MONGODB_APP_PASSWORD: randomPassword(),
    // Single quotes: compose takes the JSON literally.
    AUTH_SIGNING_KEYS: `'${JSON.stringify(keys.privateSet)}'`,
    AUTH_PUBLIC_JWKS: `'${JSON.stringify(keys.publicSet)}'`,
    BOOTSTRAP_ADMIN_EMAIL: DEFAULT_ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: randomPassword(),
    ADMIN_EVENTS_SECRET: randomPassword(),
    KONG_PG_PASSWORD: randomPassword(),
  };
  const missing = Object.entries(wanted).filter(([key]) => !current[key]);
  let updated = text;
  const appended: string[] = [];
  for (const [key, value] of missing) {
    const empty = new RegExp(`^${key}=[ \\t]*$`, 'm');
    if (empty.test(updated)) updated = updated.replace(empty, () => `${key}=${value}`);
    else appended.push(`${key}=${value}\n`);
  }
  if (appended.length) {
    if (updated && !updated.endsWith('\n')) updated += '\n';
    updated += `${updated ? '\n' : ''}# Secrets for docker compose, written by npm run compose:secrets; never commit.\n${appended.join('')}`;
  }
  if (missing.length) await writeFile(envPath, updated, { mode: 0o600 });
  return missing.map(([key]) => key);
}

if (import.meta.main) {
  const root = resolve(import.meta.dirname, '../..');
  const { values } = parseArgs({ options: { target: { type: 'string', default: 'knative' } } });
  if (values.target === 'knative') {
    const written = await writeClusterSecrets(join(root, 'knative/base/secrets'));
    process.stdout.write(
      written.length
        ? `wrote ${written.map((path) => path.slice(root.length + 1)).join(', ')}\n`
        : 'knative/base/secrets/*.env exist already, and kong.yaml holds their public keys; nothing written\n',
    );
  } else if (values.target === 'compose') {
    const added = await writeComposeSecrets(join(root, '.env'));
    process.stdout.write(added.length ? `.env: added ${added.join(', ')}\n` : '.env has every secret already\n');
  } else {
    console.error('write-secrets: --target must be knative or compose');
    process.exit(1);
  }
}
