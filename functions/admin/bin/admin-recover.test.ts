import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAccounts, createPasswordHasher, DEFAULT_SESSION_LIFETIMES } from '@zerochat/accounts';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { type Db, ObjectId } from 'mongodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';

const database = useTestDatabase();
let db: Db;
const users = () => db.collection<UserDocument>(COLLECTIONS.users);
const CLI = join(import.meta.dirname, 'admin-recover.ts');
let accounts: ReturnType<typeof createAccounts>;

// Recovery looks at every account: each test starts from an installation of its own.
beforeEach(async () => {
  db = database.fresh();
  accounts = createAccounts({ db, hasher: createPasswordHasher(), sessions: DEFAULT_SESSION_LIFETIMES });
  await accounts.indexesReady();
});

function recover(...args: string[]) {
  return promisify(execFile)(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', MONGODB_URI: database.uri, MONGODB_DB: db.databaseName },
  });
}

const temporaryPasswordIn = (stdout: string) => /^temporary password: (\S+)$/m.exec(stdout)?.[1] ?? '';

describe('npm run admin:recover', () => {
  it('gives an installation with no admin left one again, whose first login sets its own password', async () => {
    // The only admin was demoted and the other one disabled: nobody can act.
    const at = new Date();
    await users().insertMany(
      (['user', 'admin'] as const).map((role, i) => ({
        _id: new ObjectId(),
        email: `former${i}@example.com`,
        passwordHash: 'x',
        displayName: null,
        role,
        disabled: role === 'admin',
        createdAt: at,
        updatedAt: at,
      })),
    );
    expect(await users().countDocuments({ role: 'admin', disabled: false })).toBe(0);

    const { stdout } = await recover('--email', 'Ops@Example.com');
    expect(stdout).toMatch(/^admin-recover: created the admin account ops@example.com/);
    const temporary = temporaryPasswordIn(stdout);
    expect(temporary).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await users().findOne({ email: 'ops@example.com' })).toMatchObject({
      role: 'admin',
      disabled: false,
      mustChangePassword: true,
    });
    const login = await accounts.users.authenticate('ops@example.com', temporary);
    expect(login.ok && login.user.mustChangePassword).toBe(true);
  });

  it('restores an existing account: enabled, admin, a new temporary password, its sessions ended', async () => {
    const registered = await accounts.users.register({ email: 'lost@example.com', password: 'a forgotten phrase' });
    if (!registered.ok) throw new Error('not registered');
    await users().updateOne({ _id: registered.user._id }, { $set: { disabled: true } });
    const session = await accounts.sessions.start(registered.user._id);

    const { stdout } = await recover('--email', 'lost@example.com');
    expect(stdout).toMatch(/^admin-recover: restored the admin account lost@example.com/);
    expect(await users().findOne({ _id: registered.user._id })).toMatchObject({
      role: 'admin',
      disabled: false,
      mustChangePassword: true,
    });
    expect((await accounts.users.authenticate('lost@example.com', 'a forgotten phrase')).ok).toBe(false);
    expect((await accounts.users.authenticate('lost@example.com', temporaryPasswordIn(stdout))).ok).toBe(true);
    expect(await accounts.sessions.rotate(session.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses to run without an email, and says how', async () => {
    const refused = await recover().catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('--email must be an email address') });
  });
});
