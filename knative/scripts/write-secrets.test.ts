import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { accessTokenEnv, parseConfig } from '@zerochat/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clusterMongoUri, parseEnvFile, writeClusterSecrets, writeComposeSecrets } from './write-secrets.ts';

const scratch = () => mkdtemp(join(tmpdir(), 'zerochat-secrets-'));
const readEnv = async (path: string) => parseEnvFile(await readFile(path, 'utf8'));
const publicKeys = z.object(accessTokenEnv);

describe('writeClusterSecrets', () => {
  it('writes every secret file the base needs, with the same keys as its .example twin, readable by its owner only', async () => {
    const dir = await scratch();
    await writeClusterSecrets(dir);
    const examples = join(REPO_ROOT, 'knative/base/secrets');
    for (const example of (await readdir(examples)).filter((file) => file.endsWith('.env.example'))) {
      const written = join(dir, example.replace(/\.example$/, ''));
      expect(Object.keys(await readEnv(written)).sort()).toEqual(
        Object.keys(await readEnv(join(examples, example))).sort(),
      );
      expect((await stat(written)).mode & 0o077).toBe(0);
    }
  });

  it('generates a signing key whose public half the functions accept, and a connection string with the app password', async () => {
    const dir = await scratch();
    await writeClusterSecrets(dir);
    const { AUTH_PUBLIC_JWKS = '' } = await readEnv(join(dir, 'public-keys.env'));
    const { AUTH_SIGNING_KEYS = '' } = await readEnv(join(dir, 'auth.env'));
    const config = parseConfig(publicKeys, { AUTH_PUBLIC_JWKS });
    const [privateKey] = JSON.parse(AUTH_SIGNING_KEYS).keys;
    expect(privateKey).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) });
    expect(config.AUTH_PUBLIC_JWKS?.keys[0]).toMatchObject({ kid: privateKey.kid, x: privateKey.x });
    const mongo = await readEnv(join(dir, 'mongodb.env'));
    expect(mongo.MONGODB_URI).toBe(clusterMongoUri(mongo.MONGODB_APP_PASSWORD ?? ''));
    expect(mongo.MONGO_INITDB_ROOT_PASSWORD).not.toBe(mongo.MONGODB_APP_PASSWORD);
  });

  it('keeps files that exist, and derives missing public keys from the existing private ones', async () => {
    const dir = await scratch();
    await writeClusterSecrets(dir);
    const before = await readFile(join(dir, 'auth.env'), 'utf8');
    await rm(join(dir, 'public-keys.env'));
    expect(await writeClusterSecrets(dir)).toEqual([join(dir, 'public-keys.env')]);
    expect(await readFile(join(dir, 'auth.env'), 'utf8')).toBe(before);
    const { AUTH_PUBLIC_JWKS = '' } = await readEnv(join(dir, 'public-keys.env'));
    expect(JSON.parse(AUTH_PUBLIC_JWKS).keys[0].x).toBe(
      JSON.parse((await readEnv(join(dir, 'auth.env'))).AUTH_SIGNING_KEYS ?? '').keys[0].x,
    );
  });
});

describe('writeComposeSecrets', () => {
  it('fills in the empty values of a copied .env.example and keeps the rest', async () => {
    const path = join(await scratch(), '.env');
    await writeFile(path, await readFile(join(REPO_ROOT, '.env.example'), 'utf8'));
    const written = await writeComposeSecrets(path);
    expect(written).toEqual(
      expect.arrayContaining(['AUTH_SIGNING_KEYS', 'AUTH_PUBLIC_JWKS', 'MONGODB_APP_PASSWORD', 'KONG_PG_PASSWORD']),
    );
    expect(written).not.toContain('BOOTSTRAP_ADMIN_EMAIL');
    const env = await readEnv(path);
    expect(env.BOOTSTRAP_ADMIN_EMAIL).toBe('admin@example.com');
    expect(parseConfig(publicKeys, { AUTH_PUBLIC_JWKS: env.AUTH_PUBLIC_JWKS }).AUTH_PUBLIC_JWKS?.keys).toHaveLength(1);
    expect((await readFile(path, 'utf8')).match(/^AUTH_SIGNING_KEYS=/gm)).toHaveLength(1);
    expect(await writeComposeSecrets(path)).toEqual([]);
  });

  it('creates .env when there is none', async () => {
    const path = join(await scratch(), '.env');
    expect(await writeComposeSecrets(path)).toHaveLength(8);
    expect((await stat(path)).mode & 0o077).toBe(0);
  });
});
