import { createPasswordHasher, createUserStore, ensureAccountIndexes, PASSWORD_HASH_FLOOR } from '@zerochat/accounts';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import type { Db } from 'mongodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminAccountStep } from './admin-account.ts';

const database = useTestDatabase();
let db: Db;
const users = () => db.collection<UserDocument>(COLLECTIONS.users);
const store = () =>
  createUserStore({ collection: users(), hasher: createPasswordHasher(PASSWORD_HASH_FLOOR), now: () => new Date() });
const run = (email: string | undefined, password: string | undefined, promoteExisting = false) =>
  adminAccountStep({ users: store(), email, password, promoteExisting }).run(captureLog().log);

// The step looks at every account: each test starts from an installation of its own.
beforeEach(async () => {
  db = database.fresh();
  await ensureAccountIndexes(db);
});

describe('the first-admin step', () => {
  it('creates the admin (changed), then finds it (ok), and the password logs in', async () => {
    expect(await run('root@example.com', 'first admin password')).toEqual({
      outcome: 'changed',
      reason: 'created the admin account root@example.com',
    });
    expect(await run('root@example.com', 'first admin password')).toEqual({
      outcome: 'ok',
      reason: 'root@example.com is an admin',
    });
    expect(await users().countDocuments({ email: 'root@example.com' })).toBe(1);
    const login = await store().authenticate('root@example.com', 'first admin password');
    expect(login.ok && login.user.role).toBe('admin');
  });

  it('never makes an account it did not create an admin: a pre-claimed address is left alone', async () => {
    // Someone registers the admin address before the bootstrap runs, with a password of their own.
    await users().deleteMany({ role: 'admin' });
    expect((await store().register({ email: 'claimed@example.com', password: 'the attacker phrase' })).ok).toBe(true);
    const before = await users().findOne({ email: 'claimed@example.com' });
    const report = await run('claimed@example.com', 'the configured password');
    // No admin at all: the operator must notice, and is told how to recover.
    expect(report.outcome).toBe('failed');
    expect(report.reason).toContain('the bootstrap did not create it');
    expect(report.reason).toContain('npm run admin:recover');
    expect(await users().findOne({ email: 'claimed@example.com' })).toEqual(before);
    expect(await users().countDocuments({ role: 'admin' })).toBe(0);
    // With another admin in place, the step is fine with leaving it alone.
    await run('root@example.com', 'first admin password');
    expect(await run('claimed@example.com', 'the configured password')).toEqual({
      outcome: 'ok',
      reason:
        'claimed@example.com exists, but the bootstrap did not create it, so it is not made an admin (left alone)',
    });
    expect((await users().findOne({ email: 'claimed@example.com' }))?.role).toBe('user');
  });

  it('promotes an existing account only when the operator opts in, and never overwrites its password', async () => {
    expect((await store().register({ email: 'ada@example.com', password: 'adas own password' })).ok).toBe(true);
    const before = await users().findOne({ email: 'ada@example.com' });
    expect(await run('ada@example.com', 'the configured password', true)).toEqual({
      outcome: 'changed',
      reason:
        'promoted the existing account ada@example.com to admin, as BOOTSTRAP_ADMIN_PROMOTE_EXISTING asks (its password is kept)',
    });
    const after = await users().findOne({ email: 'ada@example.com' });
    expect(after?.role).toBe('admin');
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect((await run('ada@example.com', 'the configured password')).outcome).toBe('ok');
  });

  it('fails on a configured password the policy refuses, and creates nothing', async () => {
    expect(await run('weak@example.com', 'password123')).toEqual({
      outcome: 'failed',
      reason: 'BOOTSTRAP_ADMIN_PASSWORD is one of the most common passwords; choose one that others do not use',
    });
    expect(await users().countDocuments({ email: 'weak@example.com' })).toBe(0);
  });

  it('leaves a disabled admin disabled', async () => {
    await run('off@example.com', 'off admin password');
    await users().updateOne({ email: 'off@example.com' }, { $set: { disabled: true } });
    expect(await run('off@example.com', 'off admin password')).toEqual({
      outcome: 'ok',
      reason: 'off@example.com is an admin, but disabled (left so)',
    });
    expect((await users().findOne({ email: 'off@example.com' }))?.disabled).toBe(true);
  });

  it('fails when the account is missing and there is no password to create it', async () => {
    expect(await run('nobody@example.com', undefined)).toEqual({
      outcome: 'failed',
      reason: 'nobody@example.com does not exist, and BOOTSTRAP_ADMIN_PASSWORD is not set to create it',
    });
    expect(await users().countDocuments({ email: 'nobody@example.com' })).toBe(0);
  });

  it('has nothing to do without BOOTSTRAP_ADMIN_EMAIL', async () => {
    expect(await run(undefined, undefined)).toEqual({
      outcome: 'ok',
      reason: 'BOOTSTRAP_ADMIN_EMAIL is not set: no account to create',
    });
  });
});
