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
    refreshToken: z.string().openapi({ description: 'Opaque; spend it once at POST /auth/refresh.' }),
    user: User,
  })
  .openapi('TokenPair');

export const RefreshTokenBody = z.strictObject({
  refreshToken: z.string().min(1).max(4096),
});
