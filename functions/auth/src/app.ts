import { createFunctionApp, type FunctionApp, type Lifecycle, type Logger } from '@zerochat/runtime';
import packageJson from '../package.json' with { type: 'json' };
import type { AuthConfig } from './config.ts';

export interface AuthDeps {
  config: Pick<AuthConfig, 'BODY_LIMIT_BYTES'>;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { ping(): Promise<void> };
}

/** The auth function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: AuthDeps): FunctionApp {
  return createFunctionApp({
    name: 'auth',
    api: {
      title: 'zerochat auth',
      version: packageJson.version,
      description: 'Accounts, access and refresh tokens, sessions.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    readiness: { mongodb: () => deps.mongo.ping() },
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
  });
}
