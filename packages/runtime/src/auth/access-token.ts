import type { MiddlewareHandler } from 'hono';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { RecentMap } from '../cache/recent-map.ts';
import type { AppError } from '../errors/app-error.ts';
import { forbidden, unauthorized, upstreamUnavailable } from '../errors/problems.ts';
import type { SessionCheck } from './session-check.ts';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token (or, at /v1, an API key). */
export interface Principal {
  userId: string;
  role: Role;
  tokenId: string;
  /** The session (refresh-token family) the token was issued for: its `sid`. */
  sessionId: string;
  /** The API key the request came with, when it came with one (only /v1 accepts keys). */
  apiKeyId?: string;
}

export type AccessTokenKeys = { jwks: JSONWebKeySet } | { jwksUrl: URL };

export interface AccessTokenVerifierOptions {
  keys: AccessTokenKeys;
  issuer: string;
  audience: string;
  /** AUTH_ACCESS_TOKEN_TTL_SECONDS: a token that claims to live longer is refused, whoever signed it. */
  maxLifetimeSeconds: number;
  /** Whether the token's session is still live (see createSessionCheck). */
  sessions: SessionCheck;
  /**
   * How long a token whose signature and claims verified is trusted without verifying them
   * again, in ms (never past its `exp`); 0 verifies every time. The session is checked on
   * every request all the same.
   */
  verifiedCacheMs?: number;
  /** Injected so tests can freeze time. */
  now?: () => Date;
}

export type VerifyAccessToken = (token: string) => Promise<Principal>;

/** Access tokens are ES256 only: the algorithm is pinned, never taken from the token. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/**
 * The `typ` header of an access token (RFC 9068 §2.1), so that no other JWT signed with the
 * same keys (an ID token, some future token) can pass as one.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Allowed clock skew between the auth function and the verifier, in seconds. */
const CLOCK_TOLERANCE_S = 30;

export function keySet(keys: AccessTokenKeys): JWTVerifyGetKey {
  return 'jwks' in keys ? createLocalJWKSet(keys.jwks) : createRemoteJWKSet(keys.jwksUrl);
}

/** Verified tokens remembered at most; the oldest go first. */
const VERIFIED_CACHE_ENTRIES = 10_000;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): VerifyAccessToken {
  const getKey = keySet(options.keys);
  const now = options.now ?? (() => new Date());
  const cacheMs = options.verifiedCacheMs ?? 0;
  // A client sends its token with every request until it expires: checking the ES256 signature
  // again each time costs a quarter of a millisecond of CPU, more than the rest of a read.
  const verified = new RecentMap<string, { principal: Principal; until: number }>(VERIFIED_CACHE_ENTRIES);

  const checkSession = async (principal: Principal) => {
    // Last, after everything that costs nothing: it may ask the session store.
    if (!(await options.sessions(principal.sessionId))) {
      throw unauthorized('session_ended', 'The session of this access token has ended. Log in again.');
    }
    return principal;
  };

  return async function verifyAccessToken(token) {
    const currentDate = now();
    const cached = verified.get(token);
    // A copy each time: a request's principal is its own.
    if (cached && cached.until > currentDate.getTime()) return checkSession({ ...cached.principal });
    const { principal, expiresAt } = await verifySignatureAndClaims(token, currentDate);
    if (cacheMs > 0) {
      // The oldest entry goes when full (RecentMap) or lapsed, so lapsed tokens do not linger.
      const [oldest] = verified;
      if (oldest && oldest[1].until <= currentDate.getTime()) verified.delete(oldest[0]);
      verified.set(token, { principal, until: Math.min(currentDate.getTime() + cacheMs, expiresAt * 1000) });
    }
    return checkSession({ ...principal });
  };

  async function verifySignatureAndClaims(
    token: string,
    currentDate: Date,
  ): Promise<{ principal: Principal; expiresAt: number }> {
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        currentDate,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'iat', 'exp', 'jti', 'sid'],
      }));
    } catch (error) {
      throw rejection(error);
    }
    const iat = payload.iat ?? 0;
    // jose accepts an iat in the future; a token minted "later" is forged or from a broken clock.
    if (iat > currentDate.getTime() / 1000 + CLOCK_TOLERANCE_S) {
      throw unauthorized('token_not_yet_valid', 'The access token is not valid yet.');
    }
    // A signing key that leaked, or a bug in the issuer, must not yield a token for years.
    if ((payload.exp ?? 0) - iat > options.maxLifetimeSeconds) {
      throw unauthorized(
        'token_claims_invalid',
        `The access token claims to live longer than ${options.maxLifetimeSeconds} seconds.`,
      );
    }
    const { role, sid } = payload;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw unauthorized('token_claims_invalid', 'The token carries no valid role.');
    }
    if (typeof sid !== 'string' || sid === '') {
      throw unauthorized('token_claims_invalid', 'The token names no session ("sid").');
    }
    return {
      principal: { userId: payload.sub as string, role: role as Role, tokenId: payload.jti as string, sessionId: sid },
      expiresAt: payload.exp ?? 0,
    };
  }
}

function rejection(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) return unauthorized('token_expired', 'The access token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return unauthorized(
          'token_type_invalid',
          `The token is not an access token (header typ "${ACCESS_TOKEN_TYPE}").`,
        );
      case 'nbf':
      case 'iat':
        return unauthorized('token_not_yet_valid', 'The access token is not valid yet.');
      case 'iss':
        return unauthorized('token_issuer_invalid', 'The access token was issued by someone else.');
      case 'aud':
        return unauthorized('token_audience_invalid', 'The access token is meant for another audience.');
      default:
        return unauthorized('token_claims_invalid', `The access token's "${error.claim}" claim is missing or invalid.`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return unauthorized('token_algorithm_invalid', `Access tokens must be signed with ${ACCESS_TOKEN_ALGORITHM}.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthorized('token_key_unknown', 'The access token was signed with a key that is not published.');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthorized('token_signature_invalid', 'The access token signature does not verify.');
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // A remote key set that cannot be fetched is a dependency failure, not the caller's fault.
    return upstreamUnavailable('The token signing keys cannot be loaded right now.', error);
  }
  return unauthorized('token_malformed', 'The access token is not a well-formed JWT.');
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

/** Parses `Authorization: Bearer <token>`; the token is verified by the caller. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('token_missing', 'Send an access token: "Authorization: Bearer <token>".');
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) throw unauthorized('token_malformed', 'The Authorization header is not "Bearer <token>".');
  return match[1];
}

export interface PrincipalVariables {
  principal: Principal;
}

/** Middleware: a verified access token is required; its principal is stored as `principal`. */
export function requireAccessToken(verify: VerifyAccessToken): MiddlewareHandler<{ Variables: PrincipalVariables }> {
  return async function requireAccessToken(c, next) {
    c.set('principal', await verify(bearerToken(c.req.header('authorization'))));
    await next();
  };
}

/** Middleware, after requireAccessToken: the principal must have `role`. */
export function requireRole(role: Role): MiddlewareHandler<{ Variables: PrincipalVariables }> {
  return async function requireRole(c, next) {
    if (c.get('principal').role !== role) throw forbidden(`This needs the ${role} role.`);
    await next();
  };
}
