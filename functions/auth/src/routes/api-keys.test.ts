import { MAX_API_KEYS_PER_USER } from '@zerochat/accounts';
import { API_KEY_PATTERN, type ApiKeyDocument, COLLECTIONS, hashApiKey } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer } from '../../test/auth-server.ts';

const database = useTestDatabase();
let auth: AuthServer;
const keys = () => database.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys);

beforeAll(async () => {
  auth = await startAuthServer(database.db);
});

async function bearerOf(email: string): Promise<Record<string, string>> {
  const password = 'correct horse battery';
  expect((await auth.post('/auth/register', { email, password })).status).toBe(201);
  const login = await auth.post('/auth/login', { email, password });
  return { authorization: `Bearer ${login.body.accessToken as string}` };
}

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${auth.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

describe('a user’s API keys', () => {
  it('are created with a recognisable key shown once and stored only as its hash', async () => {
    const ada = await bearerOf('keys-ada@example.com');
    const created = await send('POST', '/auth/api-keys', ada, { name: '  Open WebUI ' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { key, apiKey } = created.body as { key: string; apiKey: Record<string, unknown> };
    expect(key).toMatch(API_KEY_PATTERN);
    expect(apiKey).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Open WebUI',
      preview: `${key.slice(0, 7)}…${key.slice(-4)}`,
      scopes: ['chat', 'models'],
      createdAt: auth.clock.now().toISOString(),
      expiresAt: null,
      lastUsedAt: null,
      usage: { requests: 0, promptTokens: 0, completionTokens: 0 },
    });
    const stored = await keys().findOne({ name: 'Open WebUI' });
    expect(stored?.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(3));

    const listed = await send('GET', '/auth/api-keys', ada);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ apiKeys: [apiKey] });
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(3));
  });

  it('can expire after a number of days, and are listed newest first', async () => {
    const bob = await bearerOf('keys-bob@example.com');
    const first = await send('POST', '/auth/api-keys', bob, { name: 'script', expiresInDays: 30 });
    auth.clock.advance(1);
    const second = await send('POST', '/auth/api-keys', bob, { name: 'editor' });
    expect(first.body.apiKey.expiresAt).toBe(
      new Date(auth.clock.now().getTime() - 1000 + 30 * 86_400_000).toISOString(),
    );
    const listed = await send('GET', '/auth/api-keys', bob);
    expect(listed.body.apiKeys.map((key: { name: string }) => key.name)).toEqual(['editor', 'script']);
    expect(second.body.apiKey.expiresAt).toBeNull();
  });

  it('are renamed and revoked by their owner only; another user’s key is not found', async () => {
    const carol = await bearerOf('keys-carol@example.com');
    const dave = await bearerOf('keys-dave@example.com');
    const { apiKey } = (await send('POST', '/auth/api-keys', carol, { name: 'old name' })).body;
    const path = `/auth/api-keys/${apiKey.id as string}`;

    expect(await send('PATCH', path, dave, { name: 'mine now' })).toMatchObject({
      status: 404,
      body: { code: 'api_key_not_found' },
    });
    expect(await send('DELETE', path, dave)).toMatchObject({ status: 404, body: { code: 'api_key_not_found' } });
    expect((await send('GET', '/auth/api-keys', dave)).body).toEqual({ apiKeys: [] });

    const renamed = await send('PATCH', path, carol, { name: 'new name' });
    expect(renamed).toMatchObject({ status: 200, body: { id: apiKey.id, name: 'new name' } });
    expect((await send('DELETE', path, carol)).status).toBe(204);
    expect((await send('DELETE', path, carol)).status).toBe(404);
    expect((await send('GET', '/auth/api-keys', carol)).body).toEqual({ apiKeys: [] });
  });

  it('cannot manage keys or reach the account: a key is not an access token', async () => {
    const erin = await bearerOf('keys-erin@example.com');
    const { key } = (await send('POST', '/auth/api-keys', erin, { name: 'k' })).body as { key: string };
    const withKey = { authorization: `Bearer ${key}` };
    for (const [method, path] of [
      ['GET', '/auth/api-keys'],
      ['POST', '/auth/api-keys'],
      ['GET', '/auth/me'],
      ['POST', '/auth/password'],
    ] as const) {
      const refused = await send(method, path, withKey, method === 'POST' ? { name: 'x' } : undefined);
      expect(refused.status, `${method} ${path}`).toBe(401);
    }
  });

  it('are limited per user, with a clear 409 that creates nothing', async () => {
    const frank = await bearerOf('keys-frank@example.com');
    const { apiKey } = (await send('POST', '/auth/api-keys', frank, { name: 'first' })).body;
    const first = (await keys().findOne({ _id: new ObjectId(apiKey.id as string) })) as ApiKeyDocument;
    await keys().insertMany(
      Array.from({ length: MAX_API_KEYS_PER_USER - 1 }, (_, i) => ({
        ...first,
        _id: new ObjectId(),
        keyHash: `${first.keyHash}-${i}`,
      })),
    );
    const refused = await send('POST', '/auth/api-keys', frank, { name: 'one too many' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'api_key_limit_reached' } });
    expect(await keys().countDocuments({ userId: first.userId })).toBe(MAX_API_KEYS_PER_USER);
  });
});
