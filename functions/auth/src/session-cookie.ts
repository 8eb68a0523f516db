import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, validationFailed } from '@zerochat/runtime';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

// Browser sessions (docs/auth.md, "Sessions in a browser"): the refresh token travels in an
// httpOnly cookie scripts cannot read, scoped to /auth so that only refresh, logout and a
// password change receive it. A page proves that a request with the cookie is its own by
// sending, in X-CSRF-Token, the value of a second, readable cookie that is derived from the
// refresh token: a site that can set or send cookies for this host (a sibling on the same
// site) cannot make that value without the refresh token itself.

export const REFRESH_COOKIE = 'zerochat_refresh';
export const CSRF_COOKIE = 'zerochat_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** `auto`: Secure when the request came over https (its URL, or Kong's X-Forwarded-Proto). */
export type CookieSecurity = 'auto' | 'always';

/** The CSRF value that belongs to a refresh token; not the stored hash (a different input). */
export function csrfTokenFor(refreshToken: string): string {
  return createHash('sha256').update(`zerochat-csrf\0${refreshToken}`).digest('base64url');
}

/** Whether the browser reached us over https: Kong (or the load balancer) says so in X-Forwarded-Proto. */
export function cameOverHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded ? forwarded === 'https' : new URL(c.req.url).protocol === 'https:';
}

export interface SessionCookies {
  /** Puts the session's refresh token into the cookies; the response body then leaves it out. */
  set(c: Context, refreshToken: string, maxAgeSeconds: number): void;
  clear(c: Context): void;
  /** Whether the request carries a session cookie at all. */
  present(c: Context): boolean;
  /**
   * The refresh token of the session cookie, after checking the request's CSRF token; undefined
   * without a cookie. A cookie without the matching X-CSRF-Token is 403 csrf_failed.
   */
  refreshToken(c: Context): string | undefined;
}

export function createSessionCookies(security: CookieSecurity): SessionCookies {
  const secure = (c: Context) => security === 'always' || cameOverHttps(c);
  return {
    set(c, refreshToken, maxAgeSeconds) {
      const common = { secure: secure(c), sameSite: 'Strict', maxAge: maxAgeSeconds } as const;
      setCookie(c, REFRESH_COOKIE, refreshToken, { ...common, httpOnly: true, path: '/auth' });
      // Readable by the page (path /): it sends the value back in X-CSRF-Token.
      setCookie(c, CSRF_COOKIE, csrfTokenFor(refreshToken), { ...common, httpOnly: false, path: '/' });
    },
    clear(c) {
      deleteCookie(c, REFRESH_COOKIE, { path: '/auth', secure: secure(c), sameSite: 'Strict', httpOnly: true });
      deleteCookie(c, CSRF_COOKIE, { path: '/', secure: secure(c), sameSite: 'Strict' });
    },
    present(c) {
      return getCookie(c, REFRESH_COOKIE) !== undefined;
    },
    refreshToken(c) {
      const token = getCookie(c, REFRESH_COOKIE);
      if (token === undefined) return undefined;
      const sent = Buffer.from(c.req.header(CSRF_HEADER) ?? '');
      const expected = Buffer.from(csrfTokenFor(token));
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw csrfFailed();
      return token;
    },
  };
}

export function csrfFailed(): AppError {
  return new AppError({
    code: 'csrf_failed',
    status: 403,
    title: 'CSRF check failed',
    detail: `A request with the session cookie must send the value of the ${CSRF_COOKIE} cookie in the X-CSRF-Token header.`,
  });
}

/** Neither a refreshToken in the body nor a session cookie. */
export function refreshTokenMissing(): AppError {
  return validationFailed([
    { in: 'body', pointer: '/refreshToken', detail: 'Required, unless the request carries the session cookie.' },
  ]);
}
