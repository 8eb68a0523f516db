import { createAccounts, createPasswordHasher, type PasswordHasher } from '@zerochat/accounts';
import { COLLECTIONS, type LoginFailureDocument } from '@zerochat/data';
import {
  configuredVerifier,
  createFunctionApp,
  type FunctionApp,
  type Lifecycle,
  type Logger,
} from '@zerochat/runtime';
import type { Db } from 'mongodb';
import packageJson from '../package.json' with { type: 'json' };
import type { AuthContext } from './auth-context.ts';
import type { AuthConfig } from './config.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { addAccountRoutes } from './routes/accounts.ts';
import { addApiKeyRoutes } from './routes/api-keys.ts';
import { addKeyRoutes } from './routes/keys.ts';
import { addSessionRoutes } from './routes/sessions.ts';
import { createSessionCookies } from './session-cookie.ts';
import { signingKeyRing } from './signing-keys.ts';
import { createTokenIssuer } from './tokens.ts';

/** The settings createApp reads: everything but where to listen and which database to open. */
export type AuthSettings = Omit<
  AuthConfig,
  'PORT' | 'HOST' | 'LOG_LEVEL' | 'SHUTDOWN_GRACE_MS' | 'MONGODB_URI' | 'MONGODB_DB' | 'MONGODB_TIMEOUT_MS'
>;

export interface AuthDeps {
  config: AuthSettings;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { db: Db; ping(): Promise<void> };
  /** Injected so tests can move time. */
  now?: () => Date;
  /** argon2id with the configured cost by default; injected so tests can count the hashes. */
  hasher?: PasswordHasher;
}

/** The auth function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: AuthDeps): FunctionApp {
  const { config, mongo } = deps;
  const now = deps.now ?? (() => new Date());
  const keys = signingKeyRing(config.AUTH_SIGNING_KEYS);
  const accounts = createAccounts({
    db: mongo.db,
    hasher:
      deps.hasher ??
      createPasswordHasher({
        memoryKiB: config.AUTH_PASSWORD_MEMORY_KIB,
        passes: config.AUTH_PASSWORD_PASSES,
        parallelism: config.AUTH_PASSWORD_PARALLELISM,
      }),
    sessions: {
      ttlSeconds: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
      maxAgeSeconds: config.AUTH_SESSION_MAX_AGE_SECONDS,
      reuseGraceSeconds: config.AUTH_REFRESH_REUSE_GRACE_SECONDS,
    },
    now,
  });
  const services: AuthContext = {
    accounts,
    tokens: createTokenIssuer({
      keys,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      accessTokenTtlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      now,
    }),
    throttle: createLoginThrottle({
      collection: mongo.db.collection<LoginFailureDocument>(COLLECTIONS.loginThrottle),
      now,
      windowSeconds: config.AUTH_LOGIN_WINDOW_SECONDS,
      maxFailuresPerAccount: config.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: config.AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS,
    }),
    verifyAccessToken: configuredVerifier(config, { db: mongo.db, now, keys: { jwks: keys.publicJwks } }),
    registrationEnabled: config.AUTH_REGISTRATION_ENABLED,
    cookies: createSessionCookies(config.AUTH_COOKIE_SECURE),
    refreshTokenTtlSeconds: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
    clientAddressSource: {
      trustedProxyHops: config.AUTH_TRUSTED_PROXY_HOPS,
      ...(config.AUTH_CLIENT_ADDRESS_HEADER ? { header: config.AUTH_CLIENT_ADDRESS_HEADER } : {}),
    },
  };

  const app = createFunctionApp({
    name: 'auth',
    api: {
      title: 'zerochat auth',
      version: packageJson.version,
      description: 'Accounts, access and refresh tokens, sessions.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    readiness: { mongodb: () => mongo.ping() },
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
  });
  addSessionRoutes(app, services);
  addAccountRoutes(app, services);
  addApiKeyRoutes(app, services, now);
  addKeyRoutes(app, keys);
  return app;
}
