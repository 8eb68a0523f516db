import { COLLECTIONS } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer } from '../test/auth-server.ts';

const database = useTestDatabase();
let auth: AuthServer;
let bearer: Record<string, string>;
const PASSWORD = 'correct horse battery';
const MEGABYTE = 'x'.repeat(1024 * 1024);

beforeAll(async () => {
  auth = await startAuthServer(database.db);
  await auth.post('/auth/register', { email: 'victim@example.com', password: PASSWORD });
  const login = await auth.post('/auth/login', { email: 'victim@example.com', password: PASSWORD });
  bearer = { authorization: `Bearer ${login.body.accessToken}` };
});

/** Everything the auth function can write, to prove a bad request wrote nothing. */
async function snapshot() {
  const all = (name: string) => database.db.collection(name).find({}).sort({ _id: 1 }).toArray();
  return {
    users: await all(COLLECTIONS.users),
    refreshTokens: await all(COLLECTIONS.refreshTokens),
    loginThrottle: await all(COLLECTIONS.loginThrottle),
  };
}

type Case = [name: string, path: string, body: unknown, status: number, code: string, pointers?: string[]];

const cases: Case[] = [
  ['malformed JSON', '/auth/register', '{"email": "a@example.com",', 400, 'malformed_json'],
  ['a JSON array', '/auth/register', '[]', 400, 'validation_failed'],
  ['JSON null', '/auth/login', 'null', 400, 'validation_failed'],
  ['wrong types', '/auth/register', { email: 42, password: true }, 400, 'validation_failed', ['/email', '/password']],
  ['missing fields', '/auth/register', {}, 400, 'validation_failed', ['/email', '/password']],
  [
    'an unknown field (a role)',
    '/auth/register',
    { email: 'role@example.com', password: PASSWORD, role: 'admin' },
    400,
    'validation_failed',
    ['/role'],
  ],
  [
    'a $-prefixed key',
    '/auth/register',
    { email: 'set@example.com', password: PASSWORD, $set: { role: 'admin' } },
    400,
    'validation_failed',
    ['/$set'],
  ],
  [
    'an object one level down',
    '/auth/register',
    { email: 'deep@example.com', password: PASSWORD, displayName: { $where: 'sleep(1000)' } },
    400,
    'validation_failed',
    ['/displayName'],
  ],
  ['an invalid email', '/auth/register', { email: 'not-an-email', password: PASSWORD }, 400, 'validation_failed'],
  [
    'a 7-character password',
    '/auth/register',
    { email: 'p7@example.com', password: '1234567' },
    400,
    'validation_failed',
  ],
  [
    'a 257-character password',
    '/auth/register',
    { email: 'p257@example.com', password: 'x'.repeat(257) },
    400,
    'validation_failed',
  ],
  ['a 1 MB password', '/auth/register', { email: 'mb@example.com', password: MEGABYTE }, 413, 'payload_too_large'],
  [
    'a body just over 64 KiB',
    '/auth/register',
    { email: 'big@example.com', password: PASSWORD, displayName: 'x'.repeat(64 * 1024) },
    413,
    'payload_too_large',
  ],
  [
    'operator injection in email and password',
    '/auth/login',
    { email: { $ne: null }, password: { $ne: null } },
    400,
    'validation_failed',
    ['/email', '/password'],
  ],
  [
    'operator injection as a $regex',
    '/auth/login',
    { email: { $regex: '.*' }, password: PASSWORD },
    400,
    'validation_failed',
    ['/email'],
  ],
  [
    'an unknown login field',
    '/auth/login',
    { email: 'victim@example.com', password: PASSWORD, remember: true },
    400,
    'validation_failed',
    ['/remember'],
  ],
  [
    'a 1 MB login password',
    '/auth/login',
    { email: 'victim@example.com', password: MEGABYTE },
    413,
    'payload_too_large',
  ],
  ['malformed JSON at login', '/auth/login', '{email: victim}', 400, 'malformed_json'],
  ['operator injection in a refresh token', '/auth/refresh', { refreshToken: { $ne: null } }, 400, 'validation_failed'],
  ['an empty refresh token', '/auth/refresh', { refreshToken: '' }, 400, 'validation_failed'],
  ['a missing refresh token', '/auth/logout', {}, 400, 'validation_failed', ['/refreshToken']],
  ['a numeric refresh token', '/auth/logout', { refreshToken: 7 }, 400, 'validation_failed'],
];

describe('bad input', () => {
  it.each(cases)('%s at %s: status, code, nothing written', async (_name, path, body, status, code, pointers) => {
    const before = await snapshot();
    const answer = await auth.post(path, body);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body.code).toBe(code);
    if (pointers) {
      const reported = (answer.body.errors as Array<{ pointer: string }>).map((error) => error.pointer);
      expect(reported.sort()).toEqual([...pointers].sort());
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['operator injection', { currentPassword: { $gt: '' }, newPassword: 'new password 2' }, ['/currentPassword']],
    ['an unknown field', { currentPassword: PASSWORD, newPassword: 'new password 2', userId: 'x' }, ['/userId']],
    ['missing fields', {}, ['/currentPassword', '/newPassword']],
  ])('%s at /auth/password: 400, nothing written', async (_name, body, pointers) => {
    const before = await snapshot();
    const answer = await auth.post('/auth/password', body, bearer);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect((answer.body.errors as Array<{ pointer: string }>).map((error) => error.pointer).sort()).toEqual(pointers);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a body that is not JSON with 415, and writes nothing', async () => {
    const before = await snapshot();
    const answer = await auth.post('/auth/login', 'email=victim%40example.com&password=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('unsupported_media_type');
    expect(await snapshot()).toEqual(before);
  });
});
