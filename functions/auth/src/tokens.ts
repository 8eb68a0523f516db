import { randomUUID } from 'node:crypto';
import { type IssuedRefreshToken, type UserView, userView } from '@zerochat/accounts';
import type { UserDocument } from '@zerochat/data';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '@zerochat/runtime';
import { SignJWT } from 'jose';
import type { SigningKeyRing } from './signing-keys.ts';

/** What login, refresh and a password change answer with. */
export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  user: UserView;
}

export interface TokenIssuerOptions {
  keys: SigningKeyRing;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  now: () => Date;
}

export interface TokenIssuer {
  /**
   * A new ES256 access token for the user in the session of the refresh token the session
   * store issued, with that refresh token: header `alg`, `kid`, `typ: at+jwt` (RFC 9068);
   * claims `sub`, `role`, `sid`, `iss`, `aud`, `iat`, `exp`, `jti`.
   */
  pair(user: UserDocument, refresh: IssuedRefreshToken): Promise<TokenPair>;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { signer } = options.keys;
  return {
    async pair(user, refresh) {
      const issuedAt = Math.floor(options.now().getTime() / 1000);
      // Never past the session's end: its access tokens end with it.
      const expiresAt = Math.min(
        issuedAt + options.accessTokenTtlSeconds,
        Math.floor(refresh.sessionExpiresAt.getTime() / 1000),
      );
      const accessToken = await new SignJWT({ role: user.role, sid: refresh.familyId })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: signer.kid, typ: ACCESS_TOKEN_TYPE })
        .setSubject(user._id.toHexString())
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(signer.key);
      return {
        accessToken,
        tokenType: 'Bearer',
        expiresIn: expiresAt - issuedAt,
        refreshToken: refresh.refreshToken,
        user: userView(user),
      };
    },
  };
}
