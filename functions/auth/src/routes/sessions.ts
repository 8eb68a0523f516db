import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonBody, jsonResponse, problem } from '@zerochat/runtime';
import type { Context } from 'hono';
import type { AuthContext } from '../auth-context.ts';
import { clientAddress } from '../client-address.ts';
import {
  accountDisabled,
  invalidCredentials,
  passwordChangedConcurrently,
  passwordChangeRequired,
  passwordRejected,
  refreshTokenRejected,
} from '../problems.ts';
import { refreshTokenMissing } from '../session-cookie.ts';
import type { TokenPair as IssuedPair } from '../tokens.ts';
import { CookieFlag, Email, NewPassword, NO_STORE, Password, RefreshTokenBody, TokenPair } from './schemas.ts';

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['sessions'],
  summary: 'Log in: an access token and a refresh token',
  description:
    'With `newPassword`, the login also sets a new password (ending every other session). An account whose password an admin set (mustChangePassword) can only log in this way; without `newPassword` it is answered 403 password_change_required, once the password is proven.',
  request: {
    body: jsonBody(
      z
        .strictObject({ email: Email, password: Password, newPassword: NewPassword.optional(), cookie: CookieFlag })
        .refine((body) => body.newPassword !== body.password, {
          path: ['newPassword'],
          message: 'Must differ from the current password.',
        }),
    ),
  },
  responses: {
    200: jsonResponse(TokenPair, 'Logged in (with `cookie: true`, the refresh token is in the cookie)'),
    400: problem('Invalid input, or a new password the policy refuses (validation_failed)'),
    401: problem('Unknown email or wrong password (invalid_credentials)'),
    403: problem('The account is disabled (account_disabled), or must set a new password (password_change_required)'),
    409: problem('The password was changed by another request meanwhile'),
    429: problem('Too many failed logins for this account or address; see Retry-After'),
  },
});

const refresh = createRoute({
  method: 'post',
  path: '/auth/refresh',
  tags: ['sessions'],
  summary: 'Spend a refresh token for a new pair; a spent one presented again ends its session',
  description:
    'The refresh token comes in the body, or (a browser session) in the zerochat_refresh cookie, with the value of the zerochat_csrf cookie in X-CSRF-Token; the new one then goes into the cookie.',
  request: { body: jsonBody(RefreshTokenBody) },
  responses: {
    200: jsonResponse(TokenPair, 'A new pair; the refresh token sent is spent'),
    400: problem('Invalid input, or neither a refreshToken nor the session cookie'),
    401: problem('refresh_token_invalid, _expired, _revoked or _reused'),
    403: problem('The account is disabled, or the cookie came without its X-CSRF-Token (csrf_failed)'),
  },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['sessions'],
  summary: 'End the session of a refresh token',
  description:
    'The refresh token comes in the body or in the session cookie (as for refresh); the cookies are cleared.',
  request: { body: jsonBody(RefreshTokenBody) },
  responses: {
    204: { description: 'The session is ended (also when it had ended before)' },
    400: problem('Invalid input, or neither a refreshToken nor the session cookie'),
    401: problem('Not a refresh token issued here (refresh_token_invalid)'),
    403: problem('The cookie came without its X-CSRF-Token (csrf_failed)'),
  },
});

/**
 * A token pair as the answer: for a browser session the refresh token goes into the cookie
 * and stays out of the body, so the page's scripts never hold it.
 */
export function answerPair(c: Context, services: AuthContext, pair: IssuedPair, inCookie: boolean) {
  if (!inCookie) return c.json(pair, 200, NO_STORE);
  services.cookies.set(c, pair.refreshToken, services.refreshTokenTtlSeconds);
  const { refreshToken: _inCookie, ...rest } = pair;
  return c.json(rest, 200, NO_STORE);
}

/** The refresh token of a refresh or logout: the body's, else the session cookie's. */
function presentedRefreshToken(c: Context, services: AuthContext, body: { refreshToken?: string | undefined }) {
  if (body.refreshToken !== undefined) return { token: body.refreshToken, fromCookie: false };
  const token = services.cookies.refreshToken(c);
  if (token === undefined) throw refreshTokenMissing();
  return { token, fromCookie: true };
}

export function addSessionRoutes(app: FunctionApp, services: AuthContext): void {
  const { users, sessions } = services.accounts;

  app.openapi(login, async (c) => {
    const { email, password, newPassword, cookie } = c.req.valid('json');
    const attempt = { email, address: clientAddress(c, services.clientAddressSource) };
    const pending = await services.throttle.begin(attempt);
    const authentication = await users.authenticate(email, password);
    if (!authentication.ok) {
      if (authentication.reason !== 'disabled') throw invalidCredentials();
      await pending.withdraw();
      throw accountDisabled();
    }
    let user = authentication.user;
    // Only someone who proved the password learns that it must be changed.
    if (newPassword === undefined && user.mustChangePassword) {
      await pending.withdraw();
      throw passwordChangeRequired();
    }
    if (newPassword !== undefined) {
      const change = await users.replacePassword(user, newPassword);
      if (!change.ok) {
        await pending.withdraw();
        throw change.reason === 'password_rejected'
          ? passwordRejected('newPassword', change.detail)
          : passwordChangedConcurrently();
      }
      // As at POST /auth/password: a new password ends every other session.
      await sessions.revokeAllForUser(user._id);
      user = change.user;
    }
    const [, session] = await Promise.all([pending.succeeded(), sessions.start(user._id)]);
    return answerPair(c, services, await services.tokens.pair(user, session), cookie === true);
  });

  app.openapi(refresh, async (c) => {
    const presented = presentedRefreshToken(c, services, c.req.valid('json'));
    await services.accounts.indexesReady();
    const rotation = await sessions.rotate(presented.token);
    if (!rotation.ok) throw refreshTokenRejected(rotation.reason);
    const user = await users.findById(rotation.userId.toHexString());
    if (user && !user.disabled) {
      return answerPair(c, services, await services.tokens.pair(user, rotation.next), presented.fromCookie);
    }
    await sessions.revokeFamily(rotation.next.familyId);
    throw user ? accountDisabled() : refreshTokenRejected('revoked');
  });

  app.openapi(logout, async (c) => {
    const presented = presentedRefreshToken(c, services, c.req.valid('json'));
    if (presented.fromCookie) services.cookies.clear(c);
    if (!(await sessions.endSessionOf(presented.token))) throw refreshTokenRejected('unknown');
    return c.body(null, 204);
  });
}
