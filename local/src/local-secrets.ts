import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey, type PrivateJwks } from '@zerochat/auth/signing-keys';

/** The first admin's login, stored as the JSON body POST /auth/login takes. */
export interface AdminCredentials {
  email: string;
  password: string;
}

export interface LocalSecrets {
  signingKeys: PrivateJwks;
  admin: AdminCredentials;
  /** The file that holds `admin`, to point people at. */
  adminFile: string;
  /** Files written this time (empty on a later start, when everything is reused). */
  created: string[];
}

export const LOCAL_ADMIN_EMAIL = 'admin@example.com';

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path} is not readable JSON; delete it to have it generated again`, { cause: error });
  }
}

/**
 * The one-process mode's secrets in `dataDir`: an ES256 signing key set and the first admin's
 * password, generated on the first start (files readable by their owner only) and reused after.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const keep = async <T>(name: string, make: () => Promise<T>): Promise<T> => {
    const path = join(dataDir, name);
    const existing = await readJson<T>(path);
    if (existing !== undefined) return existing;
    const value = await make();
    // `wx`: of two starts racing on a fresh folder, one writes and the other fails loudly.
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    created.push(path);
    return value;
  };
  const signingKeys = await keep<PrivateJwks>('signing-keys.json', async () => ({
    keys: [await generateSigningKey()],
  }));
  const admin = await keep<AdminCredentials>('admin.json', async () => ({
    email: LOCAL_ADMIN_EMAIL,
    password: randomBytes(18).toString('base64url'),
  }));
  return { signingKeys, admin, adminFile: join(dataDir, 'admin.json'), created };
}
