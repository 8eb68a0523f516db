import type { RefreshTokenRejection } from '@zerochat/accounts';
import { AppError, conflict, validationFailed } from '@zerochat/runtime';

// The problems only the auth function raises (docs/auth.md lists them).

/** The same answer for an unknown email and a wrong password. */
export function invalidCredentials(): AppError {
  return new AppError({
    code: 'invalid_credentials',
    status: 401,
    title: 'Invalid credentials',
    detail: 'The email address or the password is wrong.',
  });
}

export function currentPasswordInvalid(): AppError {
  return new AppError({
    code: 'current_password_invalid',
    status: 403,
    title: 'Current password invalid',
    detail: 'The current password is wrong.',
  });
}

export function accountDisabled(): AppError {
  return new AppError({
    code: 'account_disabled',
    status: 403,
    title: 'Account disabled',
    detail: 'This account is disabled. An administrator can enable it again.',
  });
}

/** The right password of an account whose password an admin set: log in with a newPassword. */
export function passwordChangeRequired(): AppError {
  return new AppError({
    code: 'password_change_required',
    status: 403,
    title: 'Password change required',
    detail: 'An administrator set this password. Log in again with "newPassword" to choose your own.',
  });
}

/** A valid access token whose user no longer exists. */
export function accountNotFound(): AppError {
  return new AppError({
    code: 'account_not_found',
    status: 401,
    title: 'Account not found',
    detail: 'The account of this access token does not exist any more.',
  });
}

export function registrationClosed(): AppError {
  return new AppError({
    code: 'registration_closed',
    status: 403,
    title: 'Registration closed',
    detail: 'This installation does not accept new accounts. An administrator can create one for you.',
  });
}

/** The password policy refused a new password: 400 validation_failed, pointing at the field. */
export function passwordRejected(field: 'password' | 'newPassword', detail: string): AppError {
  return validationFailed([{ in: 'body', pointer: `/${field}`, detail: `The password ${detail}.` }]);
}

export function emailTaken(): AppError {
  return conflict('An account with this email address exists already.');
}

export function passwordChangedConcurrently(): AppError {
  return conflict('The password was changed by another request meanwhile. Log in again.');
}

const REFRESH_TOKEN_PROBLEMS: Record<RefreshTokenRejection, { code: string; detail: string }> = {
  unknown: { code: 'refresh_token_invalid', detail: 'This is not a refresh token issued here.' },
  expired: { code: 'refresh_token_expired', detail: 'The refresh token has expired. Log in again.' },
  revoked: {
    code: 'refresh_token_revoked',
    detail: 'The session has ended (logout, password change or admin). Log in again.',
  },
  reused: {
    code: 'refresh_token_reused',
    detail: 'The refresh token was used before; the session has been ended for safety. Log in again.',
  },
};

export function refreshTokenRejected(reason: RefreshTokenRejection): AppError {
  const { code, detail } = REFRESH_TOKEN_PROBLEMS[reason];
  return new AppError({ code, status: 401, title: 'Refresh token rejected', detail });
}

/** Also another user's key: it is not found, not forbidden. */
export function apiKeyNotFound(): AppError {
  return new AppError({
    code: 'api_key_not_found',
    status: 404,
    title: 'API key not found',
    detail: 'No such API key of yours.',
  });
}

export function apiKeyLimitReached(limit: number): AppError {
  return new AppError({
    code: 'api_key_limit_reached',
    status: 409,
    title: 'API key limit reached',
    detail: `You hold ${limit} API keys, the most allowed. Revoke one you no longer use first.`,
  });
}
