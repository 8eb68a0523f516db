import { createRoute, z } from '@hono/zod-openapi';
import { userView } from '@zerochat/accounts';
import { type FunctionApp, jsonBody, jsonResponse, problem, requireAccessToken } from '@zerochat/runtime';
import type { AuthContext } from '../auth-context.ts';
import { clientAddress } from '../client-address.ts';
import {
  accountDisabled,
  accountNotFound,
  currentPasswordInvalid,
  emailTaken,
  passwordChangedConcurrently,
  passwordRejected,
  registrationClosed,
} from '../problems.ts';
import { NewEmail, NewPassword, NO_STORE, Password, TokenPair, User } from './schemas.ts';
import { answerPair } from './sessions.ts';

const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['accounts'],
  summary: 'Create an account (unless registration is switched off)',
  request: {
    body: jsonBody(
      z.strictObject({
        email: NewEmail,
        password: NewPassword,
        displayName: z.string().trim().min(1).max(100).optional(),
      }),
    ),
  },
  responses: {
    201: jsonResponse(User, 'The new account'),
    400: problem('Invalid input, or a password the policy refuses (common, repeated, the email): validation_failed'),
    403: problem('Registration is switched off (registration_closed)'),
    409: problem('The email address is taken'),
    413: problem('Body too large'),
  },
});

const me = createRoute({
  method: 'get',
  path: '/auth/me',
  tags: ['accounts'],
  summary: 'The account of the access token',
  security: [{ bearerAuth: [] }],
  responses: {
    200: jsonResponse(User, 'The account'),
    401: problem('No valid access token, or the account is gone'),
    403: problem('The account is disabled'),
  },
});

const changePassword = createRoute({
  method: 'post',
  path: '/auth/password',
  tags: ['accounts'],
  summary: 'Change the password; ends every session and starts a new one',
  security: [{ bearerAuth: [] }],
  request: {
    body: jsonBody(
      z
        .strictObject({ currentPassword: Password, newPassword: NewPassword })
        .refine((body) => body.currentPassword !== body.newPassword, {
          path: ['newPassword'],
          message: 'Must differ from the current password.',
        }),
    ),
  },
  responses: {
    200: jsonResponse(
      TokenPair,
      'Changed; every other session is ended, this is the new one (in the session cookie when the request carried one)',
    ),
    400: problem('Invalid input, or a new password the policy refuses: validation_failed'),
    401: problem('No valid access token'),
    403: problem('The current password is wrong (current_password_invalid), or the account is disabled'),
    409: problem('The password was changed by another request meanwhile'),
    429: problem('Too many wrong passwords for this account; see Retry-After'),
  },
});

export function addAccountRoutes(app: FunctionApp, services: AuthContext): void {
  const { users, sessions } = services.accounts;
  const authenticated = requireAccessToken(services.verifyAccessToken);

  app.openapi(register, async (c) => {
    if (!services.registrationEnabled) throw registrationClosed();
    const { email, password, displayName } = c.req.valid('json');
    await services.accounts.indexesReady();
    const registration = await users.register({ email, password, displayName: displayName ?? null });
    if (!registration.ok) {
      throw registration.reason === 'password_rejected'
        ? passwordRejected('password', registration.detail)
        : emailTaken();
    }
    return c.json(userView(registration.user), 201, NO_STORE);
  });

  app.openapi({ ...me, middleware: [authenticated] }, async (c) => {
    const user = await users.findById(c.get('principal').userId);
    if (!user) throw accountNotFound();
    if (user.disabled) throw accountDisabled();
    return c.json(userView(user), 200, NO_STORE);
  });

  app.openapi({ ...changePassword, middleware: [authenticated] }, async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    const user = await users.findById(c.get('principal').userId);
    if (!user) throw accountNotFound();
    if (user.disabled) throw accountDisabled();
    // A stolen access token must not allow guessing the password faster than a login would.
    const attempt = { email: user.email, address: clientAddress(c, services.clientAddressSource) };
    const pending = await services.throttle.begin(attempt);
    const change = await users.changePassword(user._id.toHexString(), currentPassword, newPassword);
    if (!change.ok) {
      if (change.reason === 'invalid_credentials') throw currentPasswordInvalid();
      await pending.withdraw();
      if (change.reason === 'password_rejected') throw passwordRejected('newPassword', change.detail);
      if (change.reason === 'disabled') throw accountDisabled();
      if (change.reason === 'not_found') throw accountNotFound();
      throw passwordChangedConcurrently();
    }
    await pending.succeeded();
    await sessions.revokeAllForUser(user._id);
    const session = await sessions.start(user._id);
    // A browser's session continues in its cookie: the old one's session was just ended.
    return answerPair(c, services, await services.tokens.pair(change.user, session), services.cookies.present(c));
  });
}
