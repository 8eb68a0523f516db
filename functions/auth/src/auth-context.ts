import type { Accounts } from '@zerochat/accounts';
import type { VerifyAccessToken } from '@zerochat/runtime';
import type { ClientAddressSource } from './client-address.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionCookies } from './session-cookie.ts';
import type { TokenIssuer } from './tokens.ts';

/** What the routes work with, built once from the deps. */
export interface AuthContext {
  accounts: Accounts;
  tokens: TokenIssuer;
  throttle: LoginThrottle;
  verifyAccessToken: VerifyAccessToken;
  registrationEnabled: boolean;
  clientAddressSource: ClientAddressSource;
  /** A browser's session: its refresh token in an httpOnly cookie (session-cookie.ts). */
  cookies: SessionCookies;
  refreshTokenTtlSeconds: number;
}
