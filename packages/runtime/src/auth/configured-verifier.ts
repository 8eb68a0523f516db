import type { Db } from 'mongodb';
import { accessTokenKeysOf, type PublicJwks } from '../config/env.ts';
import { type AccessTokenKeys, createAccessTokenVerifier, type VerifyAccessToken } from './access-token.ts';
import { createSessionCheck, type SessionCheck } from './session-check.ts';

/** The variables of accessTokenEnv a verifier reads. */
export interface AccessTokenConfig {
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_ACCESS_TOKEN_TTL_SECONDS: number;
  AUTH_SESSION_CACHE_MS: number;
  AUTH_PUBLIC_JWKS?: PublicJwks | undefined;
  AUTH_JWKS_URL?: string | undefined;
}

/**
 * The access-token verifier of a function, as its config says, checking sessions against the
 * session store in `db`. `keys` overrides the configured ones (auth verifies with its own);
 * `sessions` replaces the session check (the load benchmark measures the check's cost so).
 */
export function configuredVerifier(
  config: AccessTokenConfig,
  deps: { db: Db; now?: () => Date; keys?: AccessTokenKeys; sessions?: SessionCheck },
): VerifyAccessToken {
  const now = deps.now ?? (() => new Date());
  return createAccessTokenVerifier({
    keys: deps.keys ?? accessTokenKeysOf(config),
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    maxLifetimeSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
    // A verified token is trusted as long as its session's live answer is.
    verifiedCacheMs: config.AUTH_SESSION_CACHE_MS,
    sessions: deps.sessions ?? createSessionCheck({ db: deps.db, cacheMs: config.AUTH_SESSION_CACHE_MS, now }),
    now,
  });
}
