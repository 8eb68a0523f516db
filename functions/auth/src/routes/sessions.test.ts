import { createPasswordHasher, createUserStore, hashRefreshToken } from '@zerochat/accounts';
import { COLLECTIONS } from '@zerochat/data';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer } from '../../test/auth-server.ts';

const database = useTestDatabase();
let auth: AuthServer;
let counter = 0;

beforeAll(async () => {
  auth = await startAuthServer(database.db);
});

/** A registered account with a unique address. */
async function account(password = 'correct horse battery') {
  const email = `user${++counter}@example.com`;
  const registered = await auth.post('/auth/register', { email, password });
  expect(registered.status).toBe(201);
  return { email, password, id: registered.body.id as string };
}

async function login(email: string, password: string) {
  const response = await auth.post('/auth/login', { email, password });
  expect(response.status).toBe(200);
  return response.body as { accessToken: string; refreshToken: string; expiresIn: number };
}

const tokens = () => database.db.collection(COLLECTIONS.refreshTokens);

describe('POST /auth/login', () => {
  it('answers an access token, a refresh token and the user, never cached', async () => {
    const { email, password, id } = await account();
    const response = await auth.post('/auth/login', { email: ` ${email.toUpperCase()} `, password });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user: { id, email, role: 'user', displayName: null, disabled: false },
    });
    expect(response.body.user).not.toHaveProperty('passwordHash');

    const accessToken = response.body.accessToken as string;
    const header = decodeProtectedHeader(accessToken);
    expect(header).toEqual({ alg: 'ES256', kid: auth.config.AUTH_SIGNING_KEYS.keys[0]?.kid, typ: 'at+jwt' });
    const claims = decodeJwt(accessToken);
    const iat = auth.clock.now().getTime() / 1000;
    const family = await tokens().findOne({ tokenHash: hashRefreshToken(response.body.refreshToken as string) });
    expect(claims).toEqual({
      sub: id,
      role: 'user',
      sid: family?.familyId,
      iss: auth.config.AUTH_ISSUER,
      aud: auth.config.AUTH_AUDIENCE,
      iat,
      exp: iat + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('stores the refresh token only as its SHA-256 hash', async () => {
    const { email, password, id } = await account();
    const { refreshToken } = await login(email, password);
    const stored = await tokens().findOne({ tokenHash: hashRefreshToken(refreshToken) });
    expect(stored?.userId.toHexString()).toBe(id);
    expect(stored?.expiresAt).toEqual(new Date(auth.clock.now().getTime() + 30 * 24 * 3600 * 1000));
    expect(JSON.stringify(await tokens().find({}).toArray())).not.toContain(refreshToken);
  });

  it('gives an unknown email and a wrong password the same answer', async () => {
    const { email } = await account();
    const wrong = await auth.post('/auth/login', { email, password: 'not the password' });
    const unknown = await auth.post('/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    const strip = ({ requestId: _, ...rest }: Record<string, unknown>) => rest;
    expect(wrong.status).toBe(401);
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(wrong.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
  });

  it('spends the time of a hash on an unknown email too', async () => {
    const { email } = await account();
    const timed = async (address: string) => {
      const started = performance.now();
      await auth.post('/auth/login', { email: address, password: 'wrong password' });
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await timed(email));
      unknown.push(await timed(`ghost${i}@example.com`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1] ?? 0;
    // One argon2id hash at 19 MiB takes tens of milliseconds; a lookup alone takes one or two.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('upgrades a hash made with older parameters at the next successful login', async () => {
    const { email, password } = await account();
    const stronger = await startAuthServer(database.db, {
      clock: auth.clock,
      config: { ...auth.config, AUTH_PASSWORD_MEMORY_KIB: 24_576, AUTH_PASSWORD_PASSES: 3 },
    });
    const stored = async () => (await database.db.collection(COLLECTIONS.users).findOne({ email }))?.passwordHash;
    expect(await stored()).toContain('$m=19456,t=2,p=1$');
    expect((await stronger.post('/auth/login', { email, password: 'wrong password' })).status).toBe(401);
    expect(await stored()).toContain('$m=19456,t=2,p=1$');
    expect((await stronger.post('/auth/login', { email, password })).status).toBe(200);
    expect(await stored()).toContain('$m=24576,t=3,p=1$');
    expect((await auth.post('/auth/login', { email, password })).status).toBe(200);
    await stronger.stop();
  });

  it('refuses a disabled account, and only tells someone who knows the password', async () => {
    const { email, password, id } = await account();
    await database.db.collection(COLLECTIONS.users).updateOne({ email }, { $set: { disabled: true } });
    const right = await auth.post('/auth/login', { email, password });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe('account_disabled');
    const wrong = await auth.post('/auth/login', { email, password: 'wrong password' });
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(await tokens().countDocuments({ userId: new ObjectId(id) })).toBe(0);
  });
});

describe('a password an admin set (mustChangePassword)', () => {
  it('logs in only with a new password, which the policy checks; the temporary one is then gone', async () => {
    const { email, id } = await account();
    const store = createUserStore({
      collection: database.db.collection(COLLECTIONS.users),
      hasher: createPasswordHasher(),
      now: auth.clock.now,
    });
    const reset = await store.resetPassword(id);
    if (!reset) throw new Error('no reset');
    const temporary = reset.temporaryPassword;

    const refused = await auth.post('/auth/login', { email, password: temporary });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('password_change_required');
    // A wrong password is not told that a change is due.
    expect((await auth.post('/auth/login', { email, password: 'not it at all' })).body.code).toBe(
      'invalid_credentials',
    );
    const weak = await auth.post('/auth/login', { email, password: temporary, newPassword: 'password1' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/newPassword' }] });

    const changed = await auth.post('/auth/login', { email, password: temporary, newPassword: 'my very own phrase' });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ mustChangePassword: false });
    expect((await auth.post('/auth/login', { email, password: temporary })).status).toBe(401);
    expect((await auth.post('/auth/login', { email, password: 'my very own phrase' })).status).toBe(200);
  });
});

describe('POST /auth/refresh', () => {
  it('rotates: the old token is spent, the new pair works, the family stays one', async () => {
    const { email, password } = await account();
    const first = await login(email, password);
    auth.clock.advance(60);
    const second = await auth.post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.accessToken).not.toBe(first.accessToken);
    expect((await auth.get('/auth/me', second.body.accessToken as string)).status).toBe(200);

    const old = await tokens().findOne({ tokenHash: hashRefreshToken(first.refreshToken) });
    const current = await tokens().findOne({ tokenHash: hashRefreshToken(second.body.refreshToken as string) });
    expect(current?.parentHash).toBe(old?.tokenHash);
    expect(current?.familyId).toBe(old?.familyId);

    const third = await auth.post('/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
  });

  it('takes the current role into the new access token', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    await database.db.collection(COLLECTIONS.users).updateOne({ email }, { $set: { role: 'admin' } });
    const refreshed = await auth.post('/auth/refresh', { refreshToken });
    expect(decodeJwt(refreshed.body.accessToken as string).role).toBe('admin');
  });

  it('detects reuse: a spent token revokes its whole family, the newest token included', async () => {
    const { email, password } = await account();
    const { refreshToken: stolen } = await login(email, password);
    const rotated = await auth.post('/auth/refresh', { refreshToken: stolen });
    expect(rotated.status).toBe(200);
    const other = await login(email, password);
    // Past the grace in which a retry of the same refresh is answered (below).
    auth.clock.advance(11);
    const replay = await auth.post('/auth/refresh', { refreshToken: stolen });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('refresh_token_reused');
    const next = await auth.post('/auth/refresh', { refreshToken: rotated.body.refreshToken });
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('refresh_token_revoked');
    // Another session of the same user is not touched.
    expect((await auth.post('/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('answers a retried refresh within the grace with a valid pair of the same session', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    const first = await auth.post('/auth/refresh', { refreshToken });
    auth.clock.advance(5);
    // The answer to the first was lost: the client sends the same token again.
    const retried = await auth.post('/auth/refresh', { refreshToken });
    expect(retried.status).toBe(200);
    const sid = (pair: { body: Record<string, unknown> }) => decodeJwt(pair.body.accessToken as string).sid;
    expect(sid(retried)).toBe(sid(first));
    expect(retried.body.refreshToken).not.toBe(first.body.refreshToken);
    // Both pairs work: the session goes on, whichever the client kept.
    expect((await auth.get('/auth/me', retried.body.accessToken as string)).status).toBe(200);
    expect((await auth.post('/auth/refresh', { refreshToken: retried.body.refreshToken })).status).toBe(200);
    expect((await auth.post('/auth/refresh', { refreshToken: first.body.refreshToken })).status).toBe(200);
    // Only hashes are stored.
    expect(JSON.stringify(await tokens().find({}).toArray())).not.toContain(retried.body.refreshToken);
  });

  it('lets both of two concurrent refreshes with the same token succeed, in one session', async () => {
    const { email, password } = await account();
    for (let round = 0; round < 3; round++) {
      const { refreshToken } = await login(email, password);
      const answers = await Promise.all([1, 2].map(() => auth.post('/auth/refresh', { refreshToken })));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      const [one, two] = answers.map((answer) => decodeJwt(answer.body.accessToken as string).sid);
      expect(one).toBe(two);
    }
  });

  it('still ends the session for a retry after the grace, or of a token older than the last', async () => {
    const { email, password } = await account();
    const late = await login(email, password);
    const rotated = await auth.post('/auth/refresh', { refreshToken: late.refreshToken });
    auth.clock.advance(10);
    const afterGrace = await auth.post('/auth/refresh', { refreshToken: late.refreshToken });
    expect(afterGrace.body.code).toBe('refresh_token_reused');
    expect((await auth.post('/auth/refresh', { refreshToken: rotated.body.refreshToken })).body.code).toBe(
      'refresh_token_revoked',
    );

    const older = await login(email, password);
    const second = await auth.post('/auth/refresh', { refreshToken: older.refreshToken });
    expect((await auth.post('/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(200);
    // Within the grace, but its successor was spent already: two parties hold this line.
    const stale = await auth.post('/auth/refresh', { refreshToken: older.refreshToken });
    expect(stale.body.code).toBe('refresh_token_reused');
  });

  it('ends a session at its absolute lifetime, however often it was refreshed', async () => {
    const { email, password } = await account();
    const maxAge = auth.config.AUTH_SESSION_MAX_AGE_SECONDS;
    let { refreshToken } = await login(email, password);
    // A refresh every 20 days keeps the 30-day refresh tokens fresh, but not the session.
    let elapsed = 0;
    while (elapsed + 20 * 86_400 < maxAge) {
      auth.clock.advance(20 * 86_400);
      elapsed += 20 * 86_400;
      const refreshed = await auth.post('/auth/refresh', { refreshToken });
      expect(refreshed.status).toBe(200);
      refreshToken = refreshed.body.refreshToken as string;
    }
    // The last refresh before the end: its access token ends with the session.
    auth.clock.advance(maxAge - elapsed - 600);
    const last = await auth.post('/auth/refresh', { refreshToken });
    expect(last.body.expiresIn).toBe(600);
    const claims = decodeJwt(last.body.accessToken as string);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    auth.clock.advance(600);
    const ended = await auth.post('/auth/refresh', { refreshToken: last.body.refreshToken });
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('refresh_token_expired');
  });

  it('refuses an expired refresh token', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    auth.clock.advance(30 * 24 * 3600 + 1);
    const expired = await auth.post('/auth/refresh', { refreshToken });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('refresh_token_expired');
  });

  it('refuses a disabled account and ends that session', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    await database.db.collection(COLLECTIONS.users).updateOne({ email }, { $set: { disabled: true } });
    const refused = await auth.post('/auth/refresh', { refreshToken });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('account_disabled');
    const family = await tokens().findOne({ tokenHash: hashRefreshToken(refreshToken) });
    expect(await tokens().countDocuments({ familyId: family?.familyId, revokedAt: { $exists: false } })).toBe(0);
  });

  it('refuses an access token sent as a refresh token, and writes nothing', async () => {
    const { email, password } = await account();
    const { accessToken } = await login(email, password);
    const before = await tokens().countDocuments();
    const refused = await auth.post('/auth/refresh', { refreshToken: accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('refresh_token_invalid');
    expect(await tokens().countDocuments()).toBe(before);
  });

  it('refuses a refresh token sent as an access token', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    const refused = await auth.get('/auth/me', refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('token_malformed');
  });
});

describe('POST /auth/logout', () => {
  it('ends the session: every token of the family is revoked; again is still 204', async () => {
    const { email, password } = await account();
    const { refreshToken } = await login(email, password);
    const rotated = await auth.post('/auth/refresh', { refreshToken });
    const other = await login(email, password);

    const out = await auth.post('/auth/logout', { refreshToken: rotated.body.refreshToken });
    expect(out.status).toBe(204);
    const after = await auth.post('/auth/refresh', { refreshToken: rotated.body.refreshToken });
    expect(after.body.code).toBe('refresh_token_revoked');
    expect((await auth.post('/auth/logout', { refreshToken: rotated.body.refreshToken })).status).toBe(204);
    expect((await auth.post('/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('refuses a token it never issued, an access token too', async () => {
    const { email, password } = await account();
    const { accessToken } = await login(email, password);
    const revokedBefore = await tokens().countDocuments({ revokedAt: { $exists: true } });
    for (const refreshToken of [accessToken, 'A'.repeat(43)]) {
      const refused = await auth.post('/auth/logout', { refreshToken });
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('refresh_token_invalid');
    }
    expect(await tokens().countDocuments({ revokedAt: { $exists: true } })).toBe(revokedBefore);
  });
});
