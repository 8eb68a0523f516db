// The bad-input matrix (cases.ts) against auth, chat and admin, each its production bundle in
// a process of its own: every case gets its documented problem and the database stays as it was.
import { COLLECTIONS } from '@zerochat/data';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicJwk } from '../../functions/auth/src/signing-keys.ts';
import { testSigningKeys } from '../../functions/auth/test/auth-settings.ts';
import { functionBundle } from '../support/bundles.ts';
import { type FunctionProcess, startFunctionProcess } from '../support/function-process.ts';
import { apiClient } from '../support/http-client.ts';
import { TEST_AUDIENCE, TEST_ISSUER } from '../support/keys.ts';
import { testServices, useTestDatabase } from '../support/test-services.ts';
import { BAD_INPUTS, MATRIX_EVENTS_SECRET, MATRIX_IMPORT_MAX_BYTES, MATRIX_IMPORT_MAX_MESSAGES } from './cases.ts';
import { asTestKey, badTokens, type TokenKind } from './tokens.ts';

const database = useTestDatabase();
const processes: Partial<Record<'auth' | 'chat' | 'admin', FunctionProcess>> = {};
let tokens: Record<TokenKind, string>;
let conversationId: string;
let userId: string;
let adminId: string;

beforeAll(async () => {
  const keys = await testSigningKeys();
  const env = {
    MONGODB_URI: database.uri,
    MONGODB_DB: database.name,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: keys.keys.map(publicJwk) }),
    OLLAMA_HOST: testServices().ollamaHost,
    ZEROCHAT_MODEL: testServices().tinyModel,
  };
  const [auth, chat, admin] = await Promise.all(
    (['auth', 'chat', 'admin'] as const).map(async (fn) =>
      startFunctionProcess(await functionBundle(fn), {
        ...env,
        ...(fn === 'auth' ? { AUTH_SIGNING_KEYS: JSON.stringify(keys) } : {}),
        ...(fn === 'admin' ? { ADMIN_EVENTS_SECRET: MATRIX_EVENTS_SECRET } : {}),
        ...(fn === 'chat'
          ? {
              CHAT_IMPORT_MAX_BYTES: String(MATRIX_IMPORT_MAX_BYTES),
              CHAT_IMPORT_MAX_MESSAGES: String(MATRIX_IMPORT_MAX_MESSAGES),
            }
          : {}),
      }),
    ),
  );
  Object.assign(processes, { auth, chat, admin });

  const authApi = apiClient(auth?.baseUrl ?? '');
  const account = async (email: string, role: 'user' | 'admin') => {
    const credentials = { email, password: 'correct horse battery' };
    await authApi.call('POST', '/auth/register', { body: credentials });
    // As the bootstrap or another admin would make one.
    if (role === 'admin') await database.db.collection(COLLECTIONS.users).updateOne({ email }, { $set: { role } });
    const { body } = await authApi.json<{ accessToken: string; refreshToken: string; user: { id: string } }>(
      'POST',
      '/auth/login',
      { body: credentials },
    );
    return body;
  };
  const login = await account('matrix@example.com', 'user');
  const adminLogin = await account('matrix-admin@example.com', 'admin');
  // A session of the same user that was logged out: its access token is still unexpired.
  const ended = await account('matrix@example.com', 'user');
  await authApi.call('POST', '/auth/logout', { body: { refreshToken: ended.refreshToken } });
  userId = login.user.id;
  adminId = adminLogin.user.id;
  const conversation = await apiClient(chat?.baseUrl ?? '').json<{ id: string }>('POST', '/chat/conversations', {
    body: { title: 'mine' },
    token: login.accessToken,
  });
  conversationId = conversation.body.id;
  tokens = await badTokens({
    key: await asTestKey(keys.keys[0] as JWK & { kid: string }),
    sub: login.user.id,
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
    adminToken: adminLogin.accessToken,
    adminSub: adminLogin.user.id,
    endedSessionToken: ended.accessToken,
  });
});

afterAll(async () => {
  for (const process of Object.values(processes)) await process?.stop();
});

/** Every document of every collection: a bad request must leave all of it as it was. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const collections = (await database.db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name);
  const entries = await Promise.all(
    collections
      .sort()
      .map(async (name) => [name, await database.db.collection(name).find().sort({ _id: 1 }).toArray()]),
  );
  return Object.fromEntries(entries);
}

describe('the bad-input matrix', () => {
  it('has at least 30 cases across the three functions', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_INPUTS.map((input) => input.fn))).toEqual(new Set(['auth', 'chat', 'admin']));
  });

  it("has a case for each of chat's own operations that take a token", async () => {
    const document = (await (await fetch(`${processes.chat?.baseUrl}/chat/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const secured = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => path.startsWith('/chat/') && operation.security?.length)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    // A case's path as its operation's: ids and the query left out.
    const template = (request: string) =>
      request
        .split('?')[0]
        ?.replace(/\/conversations\/[^/]+/, '/conversations/{id}')
        .replace(/\/messages\/[^/]+(?=\/)/, '/messages/{messageId}')
        .replace(/\/messages\/(?!\{)[^/]+$/, '/messages/{messageId}');
    const covered = new Set(BAD_INPUTS.filter((input) => input.fn === 'chat').map((input) => template(input.request)));
    expect(secured.length).toBeGreaterThan(10);
    expect(secured.filter((operation) => !covered.has(operation))).toEqual([]);
  });

  it.each(BAD_INPUTS.map((input) => [`${input.fn}: ${input.name} (${input.request})`, input] as const))(
    '%s',
    async (_title, input) => {
      const [method = 'GET', rawPath = '/'] = input.request.split(' ');
      const path = rawPath
        .replace('{conversation}', conversationId)
        .replace('{user}', userId)
        .replace('{admin}', adminId);
      const body =
        input.body === 'ACCESS_TOKEN'
          ? JSON.stringify({ refreshToken: tokens.valid })
          : typeof input.body === 'string'
            ? input.body
            : input.body === undefined
              ? undefined
              : JSON.stringify(input.body);
      const before = await snapshot();
      const response = await fetch(`${processes[input.fn]?.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': input.contentType ?? 'application/json' }),
          ...(input.token ? { authorization: `Bearer ${tokens[input.token]}` } : {}),
          ...input.headers,
        },
        ...(body === undefined ? {} : { body }),
      });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect({ status: response.status, code: ((await response.json()) as { code: string }).code }).toEqual({
        status: input.status,
        code: input.code,
      });
      expect(await snapshot()).toEqual(before);
    },
  );
});
