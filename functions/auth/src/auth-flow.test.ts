import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { accessTokenEnv, configuredVerifier, parseConfig } from '@zerochat/runtime';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FunctionProcess, startFunctionProcess } from '../../../test/support/function-process.ts';
import { useTestDatabase } from '../../../test/support/test-services.ts';

const run = promisify(execFile);
const database = useTestDatabase();
const KEYS_CLI = 'functions/auth/bin/generate-signing-keys.ts';
let keys: { AUTH_SIGNING_KEYS: string; AUTH_PUBLIC_JWKS: string };
let server: FunctionProcess;

// The auth function as it is deployed: its own process, keys from the keys command, real MongoDB.
beforeAll(async () => {
  keys = JSON.parse((await run(process.execPath, [KEYS_CLI, '--json'])).stdout);
  server = await startFunctionProcess('functions/auth/src/server.ts', {
    MONGODB_URI: database.uri,
    MONGODB_DB: database.name,
    AUTH_SIGNING_KEYS: keys.AUTH_SIGNING_KEYS,
    AUTH_ISSUER: 'https://zerochat.example',
    AUTH_AUDIENCE: 'zerochat-api',
  });
});

afterAll(async () => {
  expect(await server.stop('SIGTERM')).toBe(0);
});

async function call(method: string, path: string, body?: unknown, accessToken?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('a user of the auth function, over a real socket', () => {
  it('registers, logs in, calls /auth/me, refreshes, changes the password and logs out', async () => {
    const email = 'flow@example.com';
    const registered = await call('POST', '/auth/register', { email, password: 'first password', displayName: 'Flo' });
    expect(registered.status).toBe(201);

    const login = await call('POST', '/auth/login', { email, password: 'first password' });
    expect(login.status).toBe(200);
    const me = await call('GET', '/auth/me', undefined, login.body.accessToken as string);
    expect(me).toMatchObject({ status: 200, body: { email, displayName: 'Flo', role: 'user' } });

    const refreshed = await call('POST', '/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    // A retry with the spent token, within seconds: a pair of its own, in the same session.
    expect((await call('POST', '/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(200);

    const otherDevice = await call('POST', '/auth/login', { email, password: 'first password' });
    const changed = await call(
      'POST',
      '/auth/password',
      { currentPassword: 'first password', newPassword: 'second password' },
      refreshed.body.accessToken as string,
    );
    expect(changed.status).toBe(200);
    const stale = await call('POST', '/auth/refresh', { refreshToken: otherDevice.body.refreshToken });
    expect(stale.body.code).toBe('refresh_token_revoked');

    expect((await call('POST', '/auth/logout', { refreshToken: changed.body.refreshToken })).status).toBe(204);
    const ended = await call('POST', '/auth/refresh', { refreshToken: changed.body.refreshToken });
    expect(ended.body.code).toBe('refresh_token_revoked');
    expect((await call('POST', '/auth/login', { email, password: 'second password' })).status).toBe(200);
  });

  it('issues access tokens that verify against its JWKS and against AUTH_PUBLIC_JWKS', async () => {
    await call('POST', '/auth/register', { email: 'verify@example.com', password: 'long enough' });
    const login = await call('POST', '/auth/login', { email: 'verify@example.com', password: 'long enough' });
    const accessToken = login.body.accessToken as string;

    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/auth/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: 'https://zerochat.example',
      audience: 'zerochat-api',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      sub: (login.body.user as { id: string }).id,
      role: 'user',
      sid: expect.any(String),
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);

    // What chat and admin do with the value the keys command printed.
    const config = parseConfig(z.object(accessTokenEnv), {
      ...keys,
      AUTH_ISSUER: 'https://zerochat.example',
      AUTH_AUDIENCE: 'zerochat-api',
    });
    const verify = configuredVerifier(config, { db: database.db });
    expect(await verify(accessToken)).toMatchObject({ role: 'user', sessionId: payload.sid });
  });

  it('serves health, readiness, metrics and its API reference', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
    const openapi = await call('GET', '/auth/openapi.json');
    expect(Object.keys(openapi.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/auth/register',
        '/auth/login',
        '/auth/refresh',
        '/auth/logout',
        '/auth/me',
        '/auth/password',
        '/auth/.well-known/jwks.json',
      ]),
    );
  });
});

describe('the keys command', () => {
  it('prints the private set, the public set and AUTH_PUBLIC_JWKS', async () => {
    const { stdout } = await run(process.execPath, [KEYS_CLI]);
    const privateSet = JSON.parse(/^AUTH_SIGNING_KEYS='(.+)'$/m.exec(stdout)?.[1] ?? '');
    const publicSet = JSON.parse(/^AUTH_PUBLIC_JWKS='(.+)'$/m.exec(stdout)?.[1] ?? '');
    expect(privateSet.keys).toHaveLength(1);
    expect(privateSet.keys[0]).toHaveProperty('d');
    expect(publicSet.keys[0]).not.toHaveProperty('d');
    expect(publicSet.keys[0].kid).toBe(privateSet.keys[0].kid);
    expect(stdout).toContain(JSON.stringify(publicSet, null, 2));
  });

  it('rotates with --keep: the new key first, the kept ones after it', async () => {
    const kept = JSON.parse(keys.AUTH_SIGNING_KEYS) as { keys: Array<{ kid: string }> };
    const { stdout } = await run(process.execPath, [KEYS_CLI, '--json', '--keep', keys.AUTH_SIGNING_KEYS]);
    const rotated = JSON.parse(JSON.parse(stdout).AUTH_SIGNING_KEYS) as { keys: Array<{ kid: string }> };
    expect(rotated.keys).toHaveLength(2);
    expect(rotated.keys[0]?.kid).not.toBe(kept.keys[0]?.kid);
    expect(rotated.keys[1]).toEqual(kept.keys[0]);
    const refused = await run(process.execPath, [KEYS_CLI, '--keep', '{"keys":[]}']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('at least one key') });
  });
});
