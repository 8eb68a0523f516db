import { ensureAccountIndexes, userView } from '@zerochat/accounts';
import { COLLECTIONS, type RefreshTokenDocument, type UserDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminTestApp } from '../../test/admin-harness.ts';

const database = useTestDatabase();
let key: TestSigningKey;
let admin: ReturnType<typeof adminTestApp>;
let root: { user: UserDocument; token: string };
const users = () => database.db.collection<UserDocument>(COLLECTIONS.users);
const tokens = () => database.db.collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens);

beforeAll(async () => {
  await ensureAccountIndexes(database.db);
  key = await testSigningKey();
  admin = adminTestApp(database.db, key, {});
  root = await admin.userWithToken('admin', 'root@example.com');
});

const get = (path: string, token = root.token) =>
  admin.app.request(path, { headers: { authorization: `Bearer ${token}` } });
const send = (method: string, path: string, body?: unknown, token = root.token) =>
  admin.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const patch = (id: string, body: unknown, token = root.token) =>
  admin.app.request(`/admin/users/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('who may use the admin API', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/admin/users'],
    ['PATCH', `/admin/users/${new ObjectId().toHexString()}`],
    ['GET', '/admin/status'],
    ['POST', '/admin/bootstrap'],
  ];

  it.each(routes)('%s %s: 401 without a token, or with a forged one', async (method, path) => {
    const none = await admin.app.request(path, { method });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('token_missing');
    const forged = await signAccessToken(await testSigningKey(key.kid), { claims: { role: 'admin' } });
    const refused = await admin.app.request(path, { method, headers: { authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('token_signature_invalid');
  });

  it.each(routes)('%s %s: 403 for a user', async (method, path) => {
    const { token } = await admin.userWithToken('user');
    const response = await admin.app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('forbidden');
  });

  it('403 for an admin token whose account was demoted, disabled or deleted since', async () => {
    const changes: Array<Partial<UserDocument>> = [{ role: 'user' }, { disabled: true }];
    for (const change of changes) {
      const { user, token } = await admin.userWithToken('admin');
      await users().updateOne({ _id: user._id }, { $set: change });
      const response = await get('/admin/users', token);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { detail: string }).detail).toBe(
        'Your account is no longer an enabled admin.',
      );
    }
    const gone = await admin.tokenFor({ _id: new ObjectId(), role: 'admin' });
    expect((await get('/admin/users', gone)).status).toBe(403);
  });
});

describe('GET /admin/users', () => {
  it('lists users newest first, a page at a time, without password hashes', async () => {
    for (let i = 0; i < 3; i++) await admin.userWithToken('user', `page-${i}@example.com`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await get(`/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const page = (await response.json()) as { users: Array<Record<string, unknown>>; nextCursor: string | null };
      expect(page.users.length).toBeLessThanOrEqual(2);
      for (const user of page.users) {
        expect(Object.keys(user).sort()).toEqual(
          ['createdAt', 'disabled', 'displayName', 'email', 'id', 'mustChangePassword', 'role', 'updatedAt'].sort(),
        );
      }
      seen.push(...page.users.map((user) => user.email as string));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(await users().countDocuments());
    expect(seen.indexOf('page-2@example.com')).toBeLessThan(seen.indexOf('page-0@example.com'));
  });

  it('finds one user by email', async () => {
    await admin.userWithToken('user', 'find-me@example.com');
    await admin.userWithToken('user', 'find-me-not@example.com');
    const response = await get('/admin/users?email=%20Find-Me@Example.com');
    expect(((await response.json()) as { users: Array<{ email: string }> }).users.map((user) => user.email)).toEqual([
      'find-me@example.com',
    ]);
    const none = await get('/admin/users?email=nobody@example.com');
    expect(await none.json()).toEqual({ users: [], nextCursor: null });
  });

  it.each([
    ['limit=0', '/limit'],
    ['limit=101', '/limit'],
    ['limit=many', '/limit'],
    ['cursor=bogus', '/cursor'],
    ['cursor[$ne]=x', '/cursor[$ne]'],
    ['sort=email', '/sort'],
  ])('refuses ?%s (400 validation_failed at %s)', async (query, pointer) => {
    const response = await get(`/admin/users?${query}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed', errors: [{ in: 'query', pointer }] });
  });
});

describe('PATCH /admin/users/:id', () => {
  it('promotes and demotes a user', async () => {
    const { user } = await admin.userWithToken('user');
    const promoted = await patch(user._id.toHexString(), { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.headers.get('cache-control')).toBe('no-store');
    expect(await promoted.json()).toMatchObject({ id: user._id.toHexString(), role: 'admin', disabled: false });
    expect((await patch(user._id.toHexString(), { role: 'user' })).status).toBe(200);
    expect((await users().findOne({ _id: user._id }))?.role).toBe('user');
  });

  it('disables an account and ends its sessions; enables it again', async () => {
    const { user } = await admin.userWithToken('user');
    const other = new ObjectId();
    for (const userId of [user._id, user._id, other]) {
      await tokens().insertOne({
        _id: new ObjectId(),
        userId,
        familyId: new ObjectId().toHexString(),
        tokenHash: new ObjectId().toHexString(),
        parentHash: new ObjectId().toHexString(),
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      });
    }
    const response = await patch(user._id.toHexString(), { disabled: true });
    expect(await response.json()).toMatchObject({ disabled: true });
    expect(await tokens().countDocuments({ userId: user._id, revokedAt: { $exists: false } })).toBe(0);
    expect(await tokens().countDocuments({ userId: other, revokedAt: { $exists: false } })).toBe(1);
    expect(await (await patch(user._id.toHexString(), { disabled: false })).json()).toMatchObject({ disabled: false });
  });

  it('refuses to demote or disable your own account (403 own_account)', async () => {
    for (const change of [{ role: 'user' }, { disabled: true }]) {
      const response = await patch(root.user._id.toHexString(), change);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { code: string }).code).toBe('own_account');
    }
    expect(await users().findOne({ _id: root.user._id })).toMatchObject({ role: 'admin', disabled: false });
    expect((await patch(root.user._id.toHexString(), { role: 'admin', disabled: false })).status).toBe(200);
  });

  it.each([
    ['an unknown id', new ObjectId().toHexString(), { disabled: true }, 404, 'not_found'],
    ['a malformed id', 'not-an-id', { disabled: true }, 400, 'validation_failed'],
    ['an operator as id', '{"$ne":null}', { disabled: true }, 400, 'validation_failed'],
    ['an empty change', 'TARGET', {}, 400, 'validation_failed'],
    ['an unknown field', 'TARGET', { role: 'admin', email: 'x@example.com' }, 400, 'validation_failed'],
    ['an unknown role', 'TARGET', { role: 'root' }, 400, 'validation_failed'],
    ['disabled as a string', 'TARGET', { disabled: 'true' }, 400, 'validation_failed'],
    ['an operator as value', 'TARGET', { role: { $ne: 'user' } }, 400, 'validation_failed'],
    ['a body that is not JSON', 'TARGET', '{"role":', 400, 'malformed_json'],
  ])('refuses %s and changes nothing', async (_name, id, body, status, code) => {
    const target = (await admin.userWithToken('user')).user;
    const before = await users().find().sort({ _id: 1 }).toArray();
    const response = await patch(id === 'TARGET' ? target._id.toHexString() : encodeURIComponent(id), body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { code: string }).code).toBe(code);
    expect(await users().find().sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('answers the user as the list shows it', async () => {
    const { user } = await admin.userWithToken('user');
    const response = await patch(user._id.toHexString(), { role: 'admin' });
    const changed = await users().findOne({ _id: user._id });
    expect(await response.json()).toEqual(userView(changed as UserDocument));
  });
});

describe('POST /admin/users', () => {
  it('creates an account with a generated temporary password that must be changed', async () => {
    const response = await send('POST', '/admin/users', { email: ' New.Hire@Example.com ', displayName: 'Nia' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { user: Record<string, unknown>; temporaryPassword: string };
    expect(body.user).toMatchObject({ email: 'new.hire@example.com', role: 'user', mustChangePassword: true });
    expect(body.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const stored = await users().findOne({ email: 'new.hire@example.com' });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain(body.temporaryPassword);
  });

  it('creates an admin with a given password, which the policy checks', async () => {
    const created = await send('POST', '/admin/users', {
      email: 'second.admin@example.com',
      role: 'admin',
      password: 'a long enough phrase',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      user: { role: 'admin', mustChangePassword: true },
      temporaryPassword: null,
    });
  });

  it.each([
    ['a common password', { email: 'weak@example.com', password: 'password123' }, 400, 'validation_failed'],
    [
      'its own email as password',
      { email: 'self@example.com', password: 'self@example.com' },
      400,
      'validation_failed',
    ],
    ['a taken email', { email: 'root@example.com' }, 409, 'conflict'],
    ['a role that does not exist', { email: 'r@example.com', role: 'root' }, 400, 'validation_failed'],
    ['a password hash smuggled in', { email: 'h@example.com', passwordHash: 'x' }, 400, 'validation_failed'],
    ['no email', { displayName: 'x' }, 400, 'validation_failed'],
  ])('refuses %s, and creates nothing', async (_name, body, status, code) => {
    const before = await users().countDocuments();
    const response = await send('POST', '/admin/users', body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe(code);
    expect(await users().countDocuments()).toBe(before);
  });
});

describe('POST /admin/users/:id/password-reset', () => {
  it('answers a temporary password once, ends every session and requires a change', async () => {
    const { user } = await admin.userWithToken('user');
    await tokens().insertOne({
      _id: new ObjectId(),
      userId: user._id,
      familyId: 'reset-me',
      tokenHash: 'reset-me',
      parentHash: 'family:reset-me',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const response = await send('POST', `/admin/users/${user._id.toHexString()}/password-reset`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { mustChangePassword: boolean }; temporaryPassword: string };
    expect(body.user.mustChangePassword).toBe(true);
    expect(body.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await tokens().countDocuments({ userId: user._id, revokedAt: { $exists: false } })).toBe(0);
    expect((await users().findOne({ _id: user._id }))?.passwordHash).not.toBe(user.passwordHash);
  });

  it('refuses your own account, and an unknown one', async () => {
    const own = await send('POST', `/admin/users/${root.user._id.toHexString()}/password-reset`);
    expect([own.status, ((await own.json()) as { code: string }).code]).toEqual([403, 'own_account']);
    const unknown = await send('POST', `/admin/users/${new ObjectId().toHexString()}/password-reset`);
    expect(unknown.status).toBe(404);
  });
});

describe('DELETE /admin/users/:id', () => {
  it("deletes the account with everything of the user's, and says what went", async () => {
    const { user } = await admin.userWithToken('user');
    const conversationId = new ObjectId();
    await database.db.collection(COLLECTIONS.conversations).insertOne({ _id: conversationId, userId: user._id });
    await database.db
      .collection(COLLECTIONS.messages)
      .insertMany([1, 2, 3].map(() => ({ conversationId, userId: user._id })));
    await tokens().insertOne({
      _id: new ObjectId(),
      userId: user._id,
      familyId: 'gone',
      tokenHash: 'gone',
      parentHash: 'family:gone',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await database.db.collection(COLLECTIONS.apiKeys).insertOne({ _id: new ObjectId(), userId: user._id });
    // Chat's per-user documents: defaults, the search index and a change not yet folded into it.
    await database.db.collection(COLLECTIONS.userSettings).insertOne({ _id: user._id });
    await database.db.collection(COLLECTIONS.searchIndex).insertOne({ _id: user._id });
    await database.db.collection(COLLECTIONS.searchLog).insertOne({ _id: new ObjectId(), userId: user._id });
    // An import still being staged.
    await database.db.collection(COLLECTIONS.imports).insertOne({ _id: new ObjectId(), userId: user._id });
    const response = await send('DELETE', `/admin/users/${user._id.toHexString()}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      removed: {
        refresh_tokens: 1,
        api_keys: 1,
        conversations: 1,
        messages: 3,
        generation_slots: 0,
        imports: 1,
        search_index: 1,
        search_log: 1,
        user_settings: 1,
        users: 1,
      },
    });
    expect(await users().findOne({ _id: user._id })).toBeNull();
    expect(await database.db.collection(COLLECTIONS.messages).countDocuments({ userId: user._id })).toBe(0);
    expect((await send('DELETE', `/admin/users/${user._id.toHexString()}`)).status).toBe(404);
  });

  it('refuses your own account and changes nothing', async () => {
    const response = await send('DELETE', `/admin/users/${root.user._id.toHexString()}`);
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([403, 'own_account']);
    expect(await users().findOne({ _id: root.user._id })).toMatchObject({ role: 'admin', disabled: false });
  });
});
