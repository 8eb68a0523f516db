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
  /** An ES256 access token for the user: `sub`, `role`, `iss`, `aud`, `typ`, `iat`, `exp`, `jti`, header `kid`. */
  accessToken(user: UserDocument): Promise<string>;
  /** A new access token with the refresh token the session store issued. */
  pair(user: UserDocument, refresh: IssuedRefreshToken): Promise<TokenPair>;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { signer } = options.keys;

  const accessToken = (user: UserDocument) => {
    const issuedAt = Math.floor(options.now().getTime() / 1000);
    return new SignJWT({ role: user.role, typ: ACCESS_TOKEN_TYPE })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: signer.kid, typ: 'JWT' })
      .setSubject(user._id.toHexString())
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + options.accessTokenTtlSeconds)
      .setJti(randomUUID())
      .sign(signer.key);
  };

  return {
    accessToken,
    async pair(user, refresh) {
      return {
        accessToken: await accessToken(user),
        tokenType: 'Bearer',
        expiresIn: options.accessTokenTtlSeconds,
        refreshToken: refresh.refreshToken,
        user: userView(user),
      };
    },
  };
}
