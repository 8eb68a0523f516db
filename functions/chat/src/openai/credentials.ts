import { API_KEY_PATTERN, API_KEY_PREFIX } from '@zerochat/data';
import { AppError, bearerToken, type FunctionEnv, unauthorized, type VerifyAccessToken } from '@zerochat/runtime';
import type { MiddlewareHandler } from 'hono';
import type { ApiKeyCheck } from './api-key-check.ts';

const invalidApiKey = () =>
  unauthorized('invalid_api_key', 'Incorrect API key provided. Make a key at POST /auth/api-keys.');

const REFUSALS = {
  unknown: invalidApiKey,
  expired: () => unauthorized('api_key_expired', 'This API key has expired. Make a new one at POST /auth/api-keys.'),
  account_disabled: () =>
    new AppError({
      code: 'account_disabled',
      status: 403,
      title: 'Account disabled',
      detail: "This API key's account is disabled. An administrator can enable it again.",
    }),
} as const;

/**
 * Middleware of the OpenAI-compatible API: `Authorization: Bearer` with an API key (`zc-…`)
 * or an access token. Only /v1 takes keys; everywhere else a key is not a token, so a key
 * can never reach account or admin routes.
 */
export function requireApiCredential(
  verifyAccessToken: VerifyAccessToken,
  checkApiKey: ApiKeyCheck,
): MiddlewareHandler<FunctionEnv> {
  return async function requireApiCredential(c, next) {
    const header = c.req.header('authorization');
    if (!header) {
      throw unauthorized('token_missing', 'Send an API key (or an access token): "Authorization: Bearer <key>".');
    }
    const credential = bearerToken(header);
    if (credential.startsWith(API_KEY_PREFIX)) {
      // A key of the wrong form is not looked up at all.
      const answer = API_KEY_PATTERN.test(credential) ? await checkApiKey(credential) : 'unknown';
      if (typeof answer === 'string') throw REFUSALS[answer]();
      c.set('principal', answer);
    } else {
      c.set('principal', await verifyAccessToken(credential));
    }
    await next();
  };
}
