import type { UserStore } from '@zerochat/accounts';
import { type PrincipalVariables, requireAccessToken, requireRole, type VerifyAccessToken } from '@zerochat/runtime';
import type { MiddlewareHandler } from 'hono';
import { notAnAdmin } from '../problems.ts';

/**
 * The middleware of every admin API route: a valid access token with the admin role, whose
 * account is still an enabled admin. An access token lives 15 minutes; an admin who was
 * demoted or disabled meanwhile is refused at once rather than when the token runs out.
 */
export function requireAdmin(
  verify: VerifyAccessToken,
  users: UserStore,
): MiddlewareHandler<{ Variables: PrincipalVariables }>[] {
  return [
    requireAccessToken(verify),
    requireRole('admin'),
    async function requireEnabledAdmin(c, next) {
      const user = await users.findById(c.get('principal').userId);
      if (user?.role !== 'admin' || user.disabled) throw notAnAdmin();
      await next();
    },
  ];
}
