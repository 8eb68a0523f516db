import { z } from '@hono/zod-openapi';
import { UserViewSchema } from '@zerochat/accounts';

/** For every response that carries tokens or account data (RFC 6749 §5.1). */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

export { Email, NewEmail, NewPassword, Password } from '@zerochat/accounts';

/** A user as the API shows it (the same schema admin's user list uses). */
export const User = UserViewSchema;

export const TokenPair = z
  .object({
    accessToken: z.string().openapi({ description: 'ES256 JWT; send as "Authorization: Bearer <accessToken>".' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires.' }),
    refreshToken: z.string().optional().openapi({
      description:
        'Opaque; spend it once at POST /auth/refresh. Absent in a browser session: then it is in the httpOnly zerochat_refresh cookie.',
    }),
    user: User,
  })
  .openapi('TokenPair');

export const RefreshTokenBody = z.strictObject({
  refreshToken: z.string().min(1).max(4096).optional().openapi({
    description:
      'Required, unless the request carries the session cookie zerochat_refresh (and its X-CSRF-Token header).',
  }),
});

/** Asks for a browser session: the refresh token goes into an httpOnly cookie, not the body. */
export const CookieFlag = z.boolean().optional().openapi({
  description:
    'true: set the refresh token as an httpOnly, SameSite=Strict cookie scoped to /auth (plus the zerochat_csrf cookie whose value refresh and logout send back in X-CSRF-Token) instead of returning it.',
});
