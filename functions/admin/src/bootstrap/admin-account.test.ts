import { createPasswordHasher, createUserStore, ensureAccountIndexes, PASSWORD_HASH_FLOOR } from '@zerochat/accounts';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminAccountStep } from './admin-account.ts';

const database = useTestDatabase();
const users = () => database.db.collection<UserDocument>(COLLECTIONS.users);
const store = () =>
  createUserStore({ collection: users(), hasher: createPasswordHasher(PASSWORD_HASH_FLOOR), now: () => new Date() });
const run = (email: string | undefined, password: string | undefined) =>
  adminAccountStep({ users: store(), email, password }).run(captureLog().log);

beforeAll(() => ensureAccountIndexes(database.db));

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

  it('promotes an existing user and never overwrites the password', async () => {
    expect((await store().register({ email: 'ada@example.com', password: 'adas own password' })).ok).toBe(true);
    const before = await users().findOne({ email: 'ada@example.com' });
    expect(await run('ada@example.com', 'the configured password')).toEqual({
      outcome: 'changed',
      reason: 'promoted the existing account ada@example.com to admin (its password is kept)',
    });
    const after = await users().findOne({ email: 'ada@example.com' });
    expect(after?.role).toBe('admin');
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect((await store().authenticate('ada@example.com', 'the configured password')).ok).toBe(false);
    expect((await run('ada@example.com', 'the configured password')).outcome).toBe('ok');
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
      reason: 'BOOTSTRAP_ADMIN_EMAIL is not set: no account to look after',
    });
  });
});
