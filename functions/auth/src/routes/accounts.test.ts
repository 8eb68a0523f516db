import { COLLECTIONS } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer } from '../../test/auth-server.ts';
import { testAuthSettings } from '../../test/auth-settings.ts';

const database = useTestDatabase();
let auth: AuthServer;
const users = () => database.db.collection(COLLECTIONS.users);
const tokens = () => database.db.collection(COLLECTIONS.refreshTokens);

beforeAll(async () => {
  auth = await startAuthServer(database.db);
});

async function loggedIn(email: string, password = 'correct horse battery') {
  expect((await auth.post('/auth/register', { email, password })).status).toBe(201);
  const login = await auth.post('/auth/login', { email, password });
  expect(login.status).toBe(200);
  return login.body as { accessToken: string; refreshToken: string; user: { id: string } };
}

describe('POST /auth/register', () => {
  it('creates a user and answers it without secrets', async () => {
    const response = await auth.post('/auth/register', {
      email: '  New.User@Example.COM ',
      password: 'correct horse battery',
      displayName: '  New User ',
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: 'new.user@example.com',
      displayName: 'New User',
      role: 'user',
      disabled: false,
      mustChangePassword: false,
      createdAt: auth.clock.now().toISOString(),
      updatedAt: auth.clock.now().toISOString(),
    });
  });

  it('counts password length in characters: 8 emoji are 8, 7 are too few', async () => {
    const emoji = '😀😃😄😁😆😅😂🤣';
    const eight = await auth.post('/auth/register', { email: 'emoji8@example.com', password: emoji });
    expect(eight.status).toBe(201);
    const seven = await auth.post('/auth/register', { email: 'emoji7@example.com', password: emoji.slice(0, 14) });
    expect(seven.status).toBe(400);
    expect(seven.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/password' }] });
    const login = await auth.post('/auth/login', { email: 'emoji8@example.com', password: emoji });
    expect(login.status).toBe(200);
  });

  it('lets exactly one of 20 parallel registrations of one address (case variants too) succeed', async () => {
    const variants = Array.from({ length: 20 }, (_, i) =>
      i % 3 === 0 ? 'Racer@Example.com' : i % 3 === 1 ? 'racer@example.com' : ' RACER@EXAMPLE.COM ',
    );
    const answers = await Promise.all(
      variants.map((email) => auth.post('/auth/register', { email, password: 'correct horse battery' })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'conflict')).toBe(true);
    expect(await users().countDocuments({ email: 'racer@example.com' })).toBe(1);
  });

  it('is switched off by AUTH_REGISTRATION_ENABLED=false, and writes nothing', async () => {
    const closed = await startAuthServer(database.db, {
      config: await testAuthSettings({ AUTH_REGISTRATION_ENABLED: 'false' }),
    });
    const before = await users().countDocuments();
    const refused = await closed.post('/auth/register', { email: 'late@example.com', password: 'correct horse' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('registration_closed');
    expect(await users().countDocuments()).toBe(before);
    await loggedIn('early@example.com');
    expect(
      (await closed.post('/auth/login', { email: 'early@example.com', password: 'correct horse battery' })).status,
    ).toBe(200);
    await closed.stop();
  });
});

describe('GET /auth/me', () => {
  it('answers the caller, with the current data from the database', async () => {
    const { accessToken, user } = await loggedIn('me@example.com');
    await users().updateOne({ email: 'me@example.com' }, { $set: { displayName: 'Me' } });
    const me = await auth.get('/auth/me', accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: 'me@example.com', displayName: 'Me', role: 'user' });
  });

  it('needs a valid access token', async () => {
    const missing = await auth.get('/auth/me');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('token_missing');
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const { accessToken } = await loggedIn('expiring@example.com');
    auth.clock.advance(15 * 60 + 31);
    const expired = await auth.get('/auth/me', accessToken);
    expect(expired.body.code).toBe('token_expired');
  });

  it('refuses a disabled or deleted account even with a valid token', async () => {
    const { accessToken } = await loggedIn('gone@example.com');
    await users().updateOne({ email: 'gone@example.com' }, { $set: { disabled: true } });
    expect((await auth.get('/auth/me', accessToken)).body.code).toBe('account_disabled');
    await users().deleteOne({ email: 'gone@example.com' });
    const deleted = await auth.get('/auth/me', accessToken);
    expect(deleted.status).toBe(401);
    expect(deleted.body.code).toBe('account_not_found');
  });
});

describe('the password policy', () => {
  it.each([['password'], ['12345678'], ['        '], ['policy@example.com']])(
    'refuses %j at registration with 400 validation_failed at /password, and writes nothing',
    async (password) => {
      const before = await users().countDocuments();
      const refused = await auth.post('/auth/register', { email: 'policy@example.com', password });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ in: 'body', pointer: '/password', detail: expect.stringMatching(/^The password /) }],
      });
      expect(await users().countDocuments()).toBe(before);
    },
  );

  it.each([
    ['a common password', 'weak1@example.com', 'password1'],
    ['one character repeated', 'weak2@example.com', 'aaaaaaaa'],
    ['the email itself', 'weak3@example.com', 'weak3@example.com'],
  ])('refuses %s as a new password, and the old one still works', async (_name, email, newPassword) => {
    const { accessToken } = await loggedIn(email);
    const refused = await auth.post(
      '/auth/password',
      { currentPassword: 'correct horse battery', newPassword },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/newPassword' }] });
    expect((await auth.post('/auth/login', { email, password: 'correct horse battery' })).status).toBe(200);
  });
});

describe('POST /auth/password', () => {
  it('changes the password, ends every session and starts a new one', async () => {
    const email = 'changer@example.com';
    const first = await loggedIn(email, 'old password 1');
    const second = await auth.post('/auth/login', { email, password: 'old password 1' });
    const changed = await auth.post(
      '/auth/password',
      { currentPassword: 'old password 1', newPassword: 'new password 2' },
      { authorization: `Bearer ${first.accessToken}` },
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get('cache-control')).toBe('no-store');
    expect(changed.body).toMatchObject({ tokenType: 'Bearer', user: { email } });

    for (const refreshToken of [first.refreshToken, second.body.refreshToken]) {
      const refused = await auth.post('/auth/refresh', { refreshToken });
      expect(refused.body.code).toBe('refresh_token_revoked');
    }
    expect((await auth.post('/auth/refresh', { refreshToken: changed.body.refreshToken })).status).toBe(200);
    expect((await auth.post('/auth/login', { email, password: 'old password 1' })).status).toBe(401);
    expect((await auth.post('/auth/login', { email, password: 'new password 2' })).status).toBe(200);
  });

  it('refuses a wrong current password, changes nothing, and counts it as a failed login', async () => {
    const email = 'guesser@example.com';
    const { accessToken, refreshToken } = await loggedIn(email);
    const before = await users().findOne({ email });
    const failuresBefore = await database.db.collection(COLLECTIONS.loginThrottle).countDocuments();
    const refused = await auth.post(
      '/auth/password',
      { currentPassword: 'a wrong guess', newPassword: 'new password 2' },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('current_password_invalid');
    expect(await users().findOne({ email })).toEqual(before);
    expect(await tokens().countDocuments({ revokedAt: { $exists: true }, userId: before?._id })).toBe(0);
    expect((await auth.post('/auth/refresh', { refreshToken })).status).toBe(200);
    expect(await database.db.collection(COLLECTIONS.loginThrottle).countDocuments()).toBe(failuresBefore + 2);
  });

  it('refuses a new password equal to the current one, or outside the policy', async () => {
    const { accessToken } = await loggedIn('same@example.com');
    const bearer = { authorization: `Bearer ${accessToken}` };
    const same = await auth.post(
      '/auth/password',
      { currentPassword: 'correct horse battery', newPassword: 'correct horse battery' },
      bearer,
    );
    expect(same.status).toBe(400);
    expect(same.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/newPassword' }] });
    const short = await auth.post(
      '/auth/password',
      { currentPassword: 'correct horse battery', newPassword: 'short' },
      bearer,
    );
    expect(short.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/newPassword' }] });
  });

  it('needs an access token', async () => {
    const refused = await auth.post('/auth/password', { currentPassword: 'a', newPassword: 'new password 2' });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('token_missing');
  });
});
