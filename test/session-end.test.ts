// When a session ends (logout, a password change, an admin disabling the account), its access
// tokens stop working everywhere within seconds, not when they expire: each function checks
// the token's session (`sid`) against the session store through a short cache. The three
// apps run in one process on the test database, with one clock the test moves.
import { createLifecycle, type FunctionApp, parseConfig } from '@zerochat/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp as createAdminApp } from '../functions/admin/src/app.ts';
import { testAdminSettings, zerochatModelfile } from '../functions/admin/test/admin-settings.ts';
import { createApp as createAuthApp } from '../functions/auth/src/app.ts';
import { publicJwk } from '../functions/auth/src/signing-keys.ts';
import { testClock } from '../functions/auth/test/auth-server.ts';
import { testAuthSettings } from '../functions/auth/test/auth-settings.ts';
import { createApp as createChatApp } from '../functions/chat/src/app.ts';
import { chatConfigSchema } from '../functions/chat/src/config.ts';
import { createModelServer } from '../functions/chat/src/model-server.ts';
import { captureLog } from './support/capture-log.ts';
import { useTestDatabase } from './support/test-services.ts';

const database = useTestDatabase();
const clock = testClock();
const PASSWORD = 'correct horse battery';
let apps: Record<'auth' | 'chat' | 'admin', FunctionApp>;

beforeAll(async () => {
  const auth = await testAuthSettings();
  const publicKeys = auth.AUTH_SIGNING_KEYS.keys.map(publicJwk);
  const common = {
    log: captureLog().log,
    lifecycle: createLifecycle(),
    mongo: { db: database.db, ping: async () => undefined },
    now: clock.now,
  };
  apps = {
    auth: createAuthApp({ ...common, config: auth }),
    chat: createChatApp({
      ...common,
      config: parseConfig(chatConfigSchema, {
        MONGODB_URI: database.uri,
        AUTH_PUBLIC_JWKS: JSON.stringify({ keys: publicKeys }),
      }),
      models: createModelServer({ host: 'http://127.0.0.1:9' }),
    }),
    admin: createAdminApp({ ...common, config: testAdminSettings(publicKeys), modelfile: zerochatModelfile() }),
  };
});

async function call(app: keyof typeof apps, method: string, path: string, token?: string, body?: unknown) {
  const response = await apps[app].request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

let accounts = 0;
async function loggedIn(role: 'user' | 'admin' = 'user') {
  const email = `session-${++accounts}@example.com`;
  const registered = await call('auth', 'POST', '/auth/register', undefined, { email, password: PASSWORD });
  expect(registered.status).toBe(201);
  if (role === 'admin') await database.db.collection('users').updateOne({ email }, { $set: { role } });
  const login = await call('auth', 'POST', '/auth/login', undefined, { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return login.body as { accessToken: string; refreshToken: string; user: { id: string } };
}

/** What each function answers the token now: chat's list, auth's /auth/me, admin's user list. */
async function everywhere(token: string) {
  return {
    chat: (await call('chat', 'GET', '/chat/conversations', token)).status,
    auth: (await call('auth', 'GET', '/auth/me', token)).status,
  };
}

async function refusedEverywhere(token: string) {
  for (const [app, method, path] of [
    ['chat', 'GET', '/chat/conversations'],
    ['chat', 'POST', '/chat/conversations'],
    ['auth', 'GET', '/auth/me'],
  ] as const) {
    const answer = await call(app, method, path, token, method === 'POST' ? {} : undefined);
    expect({ app, path, status: answer.status, code: answer.body.code }).toEqual({
      app,
      path,
      status: 401,
      code: 'session_ended',
    });
  }
}

describe('an access token whose session ended', () => {
  it('is refused everywhere 5 s after a logout, while another session goes on', async () => {
    const session = await loggedIn();
    const other = await call('auth', 'POST', '/auth/login', undefined, {
      email: `session-${accounts}@example.com`,
      password: PASSWORD,
    });
    expect(await everywhere(session.accessToken)).toEqual({ chat: 200, auth: 200 });
    expect((await call('auth', 'POST', '/auth/logout', undefined, { refreshToken: session.refreshToken })).status).toBe(
      204,
    );
    clock.advance(5);
    await refusedEverywhere(session.accessToken);
    expect(await everywhere(other.body.accessToken as string)).toEqual({ chat: 200, auth: 200 });
  });

  it('is refused everywhere 5 s after an admin disabled the account, admin API included', async () => {
    const admin = await loggedIn('admin');
    const user = await loggedIn();
    const asAdmin = await loggedIn('admin');
    expect(await everywhere(user.accessToken)).toEqual({ chat: 200, auth: 200 });
    expect((await call('admin', 'GET', '/admin/users', asAdmin.accessToken)).status).toBe(200);
    for (const target of [user, asAdmin]) {
      const disabled = await call('admin', 'PATCH', `/admin/users/${target.user.id}`, admin.accessToken, {
        disabled: true,
      });
      expect(disabled.status).toBe(200);
    }
    clock.advance(5);
    await refusedEverywhere(user.accessToken);
    const adminApi = await call('admin', 'GET', '/admin/users', asAdmin.accessToken);
    expect([adminApi.status, adminApi.body.code]).toEqual([401, 'session_ended']);
  });

  it('is refused everywhere 5 s after a password change; the new pair works', async () => {
    const session = await loggedIn();
    const changed = await call('auth', 'POST', '/auth/password', session.accessToken, {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(changed.status).toBe(200);
    clock.advance(5);
    await refusedEverywhere(session.accessToken);
    expect(await everywhere(changed.body.accessToken as string)).toEqual({ chat: 200, auth: 200 });
  });
});
