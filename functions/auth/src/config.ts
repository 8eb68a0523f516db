import {
  DEFAULT_PASSWORD_HASH_PARAMS as defaults,
  PASSWORD_HASH_FLOOR as floor,
  PASSWORD_HASH_MAX as max,
} from '@zerochat/accounts';
import { accessTokenEnv, envBoolean, envInteger, mongoEnv, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';
import { signingKeySetEnv } from './signing-keys.ts';

/** No more than 100 failed attempts per account per hour (ASVS 4.0 2.2.1; 5.0 6.3.1 leaves the number to us). */
export const MAX_ACCOUNT_FAILURES_PER_HOUR = 100;

/** The most failures the sliding window lets through in any hour. */
export function accountFailuresPerHour(maxPerWindow: number, windowSeconds: number): number {
  return maxPerWindow * Math.ceil(3600 / windowSeconds);
}

export const authConfigSchema = z
  .object({
    ...serverEnv,
    ...mongoEnv,
    AUTH_ISSUER: accessTokenEnv.AUTH_ISSUER,
    AUTH_AUDIENCE: accessTokenEnv.AUTH_AUDIENCE,
    AUTH_ACCESS_TOKEN_TTL_SECONDS: accessTokenEnv.AUTH_ACCESS_TOKEN_TTL_SECONDS,
    AUTH_SESSION_CACHE_MS: accessTokenEnv.AUTH_SESSION_CACHE_MS,
    AUTH_SIGNING_KEYS: signingKeySetEnv,
    AUTH_REFRESH_TOKEN_TTL_SECONDS: envInteger(300, 31_536_000).default(2_592_000),
    /** A session ends this long after its login, however often it is refreshed (ASVS 5.0 7.3.2). */
    AUTH_SESSION_MAX_AGE_SECONDS: envInteger(300, 31_536_000).default(7_776_000),
    /** A refresh token presented again this soon after its rotation gets a pair of its own (a retry). */
    AUTH_REFRESH_REUSE_GRACE_SECONDS: envInteger(0, 60).default(10),
    AUTH_REGISTRATION_ENABLED: envBoolean.default(true),
    /** Browser sessions' cookies: `auto` marks them Secure when the request came over https. */
    AUTH_COOKIE_SECURE: z.enum(['auto', 'always']).default('auto'),
    AUTH_PASSWORD_MEMORY_KIB: envInteger(floor.memoryKiB, max.memoryKiB).default(defaults.memoryKiB),
    AUTH_PASSWORD_PASSES: envInteger(floor.passes, max.passes).default(defaults.passes),
    AUTH_PASSWORD_PARALLELISM: envInteger(floor.parallelism, max.parallelism).default(defaults.parallelism),
    AUTH_LOGIN_WINDOW_SECONDS: envInteger(60, 86_400).default(900),
    AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: envInteger(1, MAX_ACCOUNT_FAILURES_PER_HOUR).default(10),
    AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: envInteger(1, 1_000_000).default(100),
    AUTH_TRUSTED_PROXY_HOPS: envInteger(0, 10).default(0),
    AUTH_CLIENT_ADDRESS_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'must be a header name such as X-Real-IP')
      .transform((name) => name.toLowerCase())
      .optional(),
  })
  .superRefine((config, ctx) => {
    const perHour = accountFailuresPerHour(
      config.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      config.AUTH_LOGIN_WINDOW_SECONDS,
    );
    if (perHour > MAX_ACCOUNT_FAILURES_PER_HOUR) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT'],
        message: `with AUTH_LOGIN_WINDOW_SECONDS=${config.AUTH_LOGIN_WINDOW_SECONDS} this lets up to ${perHour} failed logins per account through in an hour; at most ${MAX_ACCOUNT_FAILURES_PER_HOUR} are allowed`,
      });
    }
  });

export type AuthConfig = z.output<typeof authConfigSchema>;
