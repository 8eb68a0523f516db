import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { ensureAccountIndexes } from './accounts.ts';
import { createPasswordHasher, PASSWORD_HASH_FLOOR, parsePasswordHash } from './password-hash.ts';
import { createUserStore, type UserStore } from './users.ts';

const database = useTestDatabase();
let clock = new Date('2026-11-26T12:00:00Z');
const now = () => clock;
const users = () => database.db.collection<UserDocument>(COLLECTIONS.users);
const storeWith = (passes: number): UserStore =>
  createUserStore({ collection: users(), hasher: createPasswordHasher({ ...PASSWORD_HASH_FLOOR, passes }), now });
let store: UserStore;

beforeAll(async () => {
  await ensureAccountIndexes(database.db);
  store = storeWith(2);
});

describe('the users store', () => {
  it('registers with a normalised email and an argon2id hash, never the password', async () => {
    const registration = await store.register({ email: '  Ada@Example.COM ', password: 'correct horse battery' });
    expect(registration.ok).toBe(true);
    const stored = await users().findOne({ email: 'ada@example.com' });
    expect(stored).toMatchObject({
      role: 'user',
      disabled: false,
      displayName: null,
      createdAt: clock,
      updatedAt: clock,
    });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(stored)).not.toContain('correct horse');
  });

  it('refuses a second account for the same address in any case, also in a race', async () => {
    const variants = ['race@example.com', 'RACE@example.com', ' Race@Example.com', 'race@EXAMPLE.COM'];
    const results = await Promise.all(variants.map((email) => store.register({ email, password: 'long enough' })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.reason)).toEqual([
      'email_taken',
      'email_taken',
      'email_taken',
    ]);
    expect(await users().countDocuments({ email: 'race@example.com' })).toBe(1);
  });

  it('hashes the password whether or not the email is taken, so timing does not tell which exist', async () => {
    const hashes: string[] = [];
    const floor = createPasswordHasher(PASSWORD_HASH_FLOOR);
    const counting = createUserStore({
      collection: users(),
      hasher: {
        ...floor,
        hash(password) {
          hashes.push(password);
          return floor.hash(password);
        },
      },
      now,
    });
    expect((await counting.register({ email: 'timing@example.com', password: 'first password' })).ok).toBe(true);
    expect(hashes).toEqual(['first password']);
    expect(await counting.register({ email: 'Timing@Example.com', password: 'second password' })).toEqual({
      ok: false,
      reason: 'email_taken',
    });
    expect(hashes).toEqual(['first password', 'second password']);
  });

  it('creates admins too, and refuses a password outside the policy', async () => {
    const admin = await store.register({ email: 'root@example.com', password: 'admin password', role: 'admin' });
    expect(admin.ok && admin.user.role).toBe('admin');
    await expect(store.register({ email: 'short@example.com', password: 'short' })).rejects.toThrow(RangeError);
    await expect(store.register({ email: 'long@example.com', password: 'x'.repeat(257) })).rejects.toThrow(RangeError);
    expect(await users().countDocuments({ email: { $in: ['short@example.com', 'long@example.com'] } })).toBe(0);
  });

  it('authenticates, and answers an unknown email like a wrong password', async () => {
    await store.register({ email: 'bob@example.com', password: 'bobs password' });
    expect(await store.authenticate('BOB@example.com ', 'bobs password')).toMatchObject({ ok: true });
    expect(await store.authenticate('bob@example.com', 'Bobs password')).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
    expect(await store.authenticate('nobody@example.com', 'bobs password')).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
  });

  it('tells a disabled account only to someone with the right password', async () => {
    const registered = await store.register({ email: 'off@example.com', password: 'off password' });
    if (!registered.ok) throw new Error('not registered');
    await store.update(registered.user._id.toHexString(), { disabled: true });
    expect(await store.authenticate('off@example.com', 'off password')).toEqual({ ok: false, reason: 'disabled' });
    expect(await store.authenticate('off@example.com', 'wrong password')).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
  });

  it('upgrades a hash made with older parameters on the next successful login only', async () => {
    await store.register({ email: 'old@example.com', password: 'old password' });
    const stronger = storeWith(3);
    expect((await stronger.authenticate('old@example.com', 'wrong password')).ok).toBe(false);
    expect((await users().findOne({ email: 'old@example.com' }))?.passwordHash).toContain('t=2');
    const login = await stronger.authenticate('old@example.com', 'old password');
    expect(login.ok && parsePasswordHash(login.user.passwordHash).passes).toBe(3);
    const stored = await users().findOne({ email: 'old@example.com' });
    expect(parsePasswordHash(stored?.passwordHash ?? '').passes).toBe(3);
    expect((await stronger.authenticate('old@example.com', 'old password')).ok).toBe(true);
  });

  it('changes a password only with the current one', async () => {
    const registered = await store.register({ email: 'pw@example.com', password: 'first password' });
    if (!registered.ok) throw new Error('not registered');
    const id = registered.user._id.toHexString();
    expect(await store.changePassword(id, 'wrong password', 'second password')).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
    expect((await store.authenticate('pw@example.com', 'first password')).ok).toBe(true);
    clock = new Date(clock.getTime() + 1000);
    const change = await store.changePassword(id, 'first password', 'second password');
    expect(change.ok && change.user.updatedAt).toEqual(clock);
    expect((await store.authenticate('pw@example.com', 'first password')).ok).toBe(false);
    expect((await store.authenticate('pw@example.com', 'second password')).ok).toBe(true);
    expect(await store.changePassword('0123456789abcdef01234567', 'x', 'second password')).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('lists users newest first, page by page', async () => {
    const listed = database.db.collection<UserDocument>('list_users');
    const paged = createUserStore({ collection: listed, hasher: createPasswordHasher(), now });
    for (let i = 0; i < 5; i++) {
      clock = new Date(clock.getTime() + 1000);
      await paged.register({ email: `u${i}@example.com`, password: 'long enough' });
    }
    const emails: string[] = [];
    let after: string | undefined;
    do {
      const page = await paged.list({ limit: 2, ...(after ? { after } : {}) });
      expect(page.users.length).toBeLessThanOrEqual(2);
      emails.push(...page.users.map((user) => user.email));
      after = page.next;
    } while (after);
    expect(emails).toEqual(['u4@example.com', 'u3@example.com', 'u2@example.com', 'u1@example.com', 'u0@example.com']);
    await expect(paged.list({ limit: 2, after: 'bogus' })).rejects.toThrow(RangeError);
  });

  it('updates role, disabled flag and display name; unknown or malformed ids are null', async () => {
    const registered = await store.register({ email: 'carol@example.com', password: 'long enough' });
    if (!registered.ok) throw new Error('not registered');
    const id = registered.user._id.toHexString();
    expect(await store.update(id, { role: 'admin', displayName: 'Carol' })).toMatchObject({
      role: 'admin',
      displayName: 'Carol',
      disabled: false,
    });
    expect(await store.findById(id)).toMatchObject({ role: 'admin' });
    expect(await store.update('0123456789abcdef01234567', { disabled: true })).toBeNull();
    expect(await store.update('not-an-id', { disabled: true })).toBeNull();
    expect(await store.findById('{"$ne":null}')).toBeNull();
  });
});
