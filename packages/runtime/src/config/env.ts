import { z } from 'zod';
import type { AccessTokenKeys } from '../auth/access-token.ts';
import { LOG_LEVELS } from '../log/logger.ts';

// Environment variables that more than one function reads. Each function's config.ts spreads
// the groups it needs into its own z.object, so every variable is declared exactly once.

/** What a config parsed from a group of variables below holds: each variable's parsed value. */
export type EnvConfig<E extends z.ZodRawShape> = z.output<z.ZodObject<E>>;

export const envInteger = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const envBoolean = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const integer = envInteger;

/** An http(s) base URL; "host:port" alone means http, and a trailing slash is dropped. */
export const envHttpUrl = (example: string) =>
  z
    .string()
    .trim()
    .transform((host) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`))
    .pipe(z.url({ protocol: /^https?$/, message: `must be an http(s) URL such as ${example}` }))
    .transform((url) => url.replace(/\/+$/, ''));

export const serverEnv = {
  /** 0 picks a free port (tests); the `listening` log line names it. */
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** How long in-flight requests (streams too) may run on after SIGTERM. */
  SHUTDOWN_GRACE_MS: integer(0, 3_600_000).default(25_000),
  BODY_LIMIT_BYTES: integer(1024, 16 * 1024 * 1024).default(64 * 1024),
};

export const mongoEnv = {
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI'),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1 to 63 letters, digits, "_" or "-"')
    .default('zerochat'),
  /** How long an operation waits for a reachable server before it fails with 503. */
  MONGODB_TIMEOUT_MS: integer(100, 120_000).default(3000),
};

/** An ES256 (P-256) key as a JWK; extra members such as `use` are allowed. */
export const p256Jwk = z.looseObject({
  kty: z.literal('EC', { message: 'keys must be EC keys' }),
  crv: z.literal('P-256', { message: 'keys must be on curve P-256' }),
  x: z.string().min(1),
  y: z.string().min(1),
  kid: z.string().min(1, 'every key needs a kid'),
  alg: z.literal('ES256').optional(),
});

/** A variable that holds a JSON Web Key Set of at least one key, each matching `key`. */
export function envJwkSet<K extends z.ZodType>(key: K) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON Web Key Set (JSON)' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ keys: z.array(key).min(1, 'must hold at least one key') }));
}

const publicJwks = envJwkSet(p256Jwk).refine(
  (set) => set.keys.every((key) => !('d' in key)),
  'must hold public keys only (found "d")',
);

export type PublicJwks = z.output<typeof publicJwks>;

export const accessTokenEnv = {
  AUTH_ISSUER: z.string().min(1).default('zerochat'),
  AUTH_AUDIENCE: z.string().min(1).default('zerochat'),
  /** How long an access token lives; verifiers refuse one that claims to live longer. */
  AUTH_ACCESS_TOKEN_TTL_SECONDS: integer(60, 86_400).default(900),
  /**
   * How long a verifier trusts that a session is live before it asks the session store again;
   * chat's /v1 trusts an API key's answer as long.
   */
  AUTH_SESSION_CACHE_MS: integer(0, 5000).default(2000),
  /** The public key set inline: preferred, a cold start needs no network fetch. */
  AUTH_PUBLIC_JWKS: publicJwks.optional(),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
};

/** Where a verifier gets its keys: the inline set when there is one, else the JWKS URL. */
export function accessTokenKeysOf(config: { AUTH_PUBLIC_JWKS?: PublicJwks; AUTH_JWKS_URL?: string }): AccessTokenKeys {
  if (config.AUTH_PUBLIC_JWKS) return { jwks: config.AUTH_PUBLIC_JWKS };
  if (config.AUTH_JWKS_URL) return { jwksUrl: new URL(config.AUTH_JWKS_URL) };
  throw new RangeError('AUTH_PUBLIC_JWKS or AUTH_JWKS_URL is required');
}

/** Refinement for configs that verify access tokens: they need a key source. */
export function requireKeySource(
  config: { AUTH_PUBLIC_JWKS?: unknown; AUTH_JWKS_URL?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (config.AUTH_PUBLIC_JWKS === undefined && config.AUTH_JWKS_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_PUBLIC_JWKS'], message: 'is required (or set AUTH_JWKS_URL)' });
  }
}
