import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { type AuthServer, startAuthServer } from '../test/auth-server.ts';
import { CSRF_COOKIE, CSRF_HEADER, csrfTokenFor, REFRESH_COOKIE } from './session-cookie.ts';

// Browser sessions: the refresh token in an httpOnly cookie, refresh and logout by cookie plus
// its CSRF token, over the real socket (the cookies as a browser would keep them).

const database = useTestDatabase();
let auth: AuthServer;
let counter = 0;

beforeAll(async () => {
  auth = await startAuthServer(database.db);
});

interface Cookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function cookiesOf(headers: Headers): Map<string, Cookie> {
  return new Map(
    headers.getSetCookie().map((line) => {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const parsed = new Map(
        attributes.map((attribute) => {
          const [key = '', val = ''] = attribute.split('=');
          return [key.toLowerCase(), val] as const;
        }),
      );
      return [name, { name, value: decodeURIComponent(value), attributes: parsed }];
    }),
  );
}

/** A new account, logged in with `cookie: true`: the browser's cookies and the answer. */
async function browserLogin(headers: Record<string, string> = {}) {
  const email = `browser${++counter}@example.com`;
  const password = 'correct horse battery';
  expect((await auth.post('/auth/register', { email, password })).status).toBe(201);
  const response = await auth.post('/auth/login', { email, password, cookie: true }, headers);
  expect(response.status).toBe(200);
  const cookies = cookiesOf(response.headers);
  return { email, password, response, cookies, refresh: cookies.get(REFRESH_COOKIE)?.value ?? '' };
}

const cookieHeader = (refresh: string) => ({
  cookie: `${REFRESH_COOKIE}=${refresh}; ${CSRF_COOKIE}=${csrfTokenFor(refresh)}`,
});
const withCsrf = (refresh: string) => ({ ...cookieHeader(refresh), [CSRF_HEADER]: csrfTokenFor(refresh) });

describe('a login with cookie: true', () => {
  it('puts the refresh token into an httpOnly, SameSite=Strict cookie scoped to /auth, not into the body', async () => {
    const { response, cookies, refresh } = await browserLogin();
    expect(response.body.refreshToken).toBeUndefined();
    expect(response.body.accessToken).toEqual(expect.any(String));
    expect(refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = cookies.get(REFRESH_COOKIE);
    expect(cookie?.attributes.get('path')).toBe('/auth');
    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.get('samesite')).toBe('Strict');
    expect(Number(cookie?.attributes.get('max-age'))).toBe(auth.config.AUTH_REFRESH_TOKEN_TTL_SECONDS);
    // Plain http: not Secure, or the browser would never send it back.
    expect(cookie?.attributes.has('secure')).toBe(false);
    const csrf = cookies.get(CSRF_COOKIE);
    expect(csrf?.value).toBe(csrfTokenFor(refresh));
    expect(csrf?.attributes.get('path')).toBe('/');
    expect(csrf?.attributes.has('httponly')).toBe(false);
  });

  it('marks both cookies Secure when Kong says the request came over https', async () => {
    const { cookies } = await browserLogin({ 'x-forwarded-proto': 'https' });
    expect(cookies.get(REFRESH_COOKIE)?.attributes.has('secure')).toBe(true);
    expect(cookies.get(CSRF_COOKIE)?.attributes.has('secure')).toBe(true);
  });
});

describe('POST /auth/refresh with the session cookie', () => {
  it('rotates the cookie and answers a new access token, with the refresh token only in the cookie', async () => {
    const { refresh } = await browserLogin();
    const response = await auth.post('/auth/refresh', {}, withCsrf(refresh));
    expect(response.status).toBe(200);
    expect(response.body.refreshToken).toBeUndefined();
    const next = cookiesOf(response.headers).get(REFRESH_COOKIE)?.value ?? '';
    expect(next).not.toBe(refresh);
    // The old cookie is spent: presenting it again after the retry grace is reuse, which ends the session.
    auth.clock.advance(auth.config.AUTH_REFRESH_REUSE_GRACE_SECONDS + 1);
    expect((await auth.post('/auth/refresh', {}, withCsrf(refresh))).body.code).toBe('refresh_token_reused');
    expect((await auth.post('/auth/refresh', {}, withCsrf(next))).status).toBe(401);
  });

  it('refuses the cookie without its CSRF token, or with another session’s, and spends nothing', async () => {
    const { refresh } = await browserLogin();
    const other = await browserLogin();
    const missing = await auth.post('/auth/refresh', {}, cookieHeader(refresh));
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_failed');
    const wrong = await auth.post(
      '/auth/refresh',
      {},
      { ...cookieHeader(refresh), [CSRF_HEADER]: csrfTokenFor(other.refresh) },
    );
    expect(wrong.body.code).toBe('csrf_failed');
    expect((await auth.post('/auth/refresh', {}, withCsrf(refresh))).status).toBe(200);
  });

  it('answers 400 when there is neither a refreshToken nor a cookie', async () => {
    const response = await auth.post('/auth/refresh', {});
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/refreshToken' }] });
  });
});

describe('POST /auth/logout with the session cookie', () => {
  it('ends the session and clears both cookies', async () => {
    const { refresh } = await browserLogin();
    const response = await auth.post('/auth/logout', {}, withCsrf(refresh));
    expect(response.status).toBe(204);
    const cleared = cookiesOf(response.headers);
    expect(cleared.get(REFRESH_COOKIE)?.attributes.get('max-age')).toBe('0');
    expect(cleared.get(CSRF_COOKIE)?.attributes.get('max-age')).toBe('0');
    expect((await auth.post('/auth/refresh', {}, withCsrf(refresh))).body.code).toBe('refresh_token_revoked');
  });

  it('needs the CSRF token too: another site cannot sign a person out', async () => {
    const { refresh } = await browserLogin();
    expect((await auth.post('/auth/logout', {}, cookieHeader(refresh))).body.code).toBe('csrf_failed');
    expect((await auth.post('/auth/refresh', {}, withCsrf(refresh))).status).toBe(200);
  });
});

describe('POST /auth/password from a browser session', () => {
  it('continues the session in a new cookie, and ends the old one', async () => {
    const { refresh, response, password } = await browserLogin();
    const changed = await fetch(`${auth.baseUrl}/auth/password`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${response.body.accessToken}`,
        ...cookieHeader(refresh),
      },
      body: JSON.stringify({ currentPassword: password, newPassword: 'another long passphrase' }),
    });
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as Record<string, unknown>;
    expect(body.refreshToken).toBeUndefined();
    const next = cookiesOf(changed.headers).get(REFRESH_COOKIE)?.value ?? '';
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await auth.post('/auth/refresh', {}, withCsrf(refresh))).status).toBe(401);
    expect((await auth.post('/auth/refresh', {}, withCsrf(next))).status).toBe(200);
  });
});
