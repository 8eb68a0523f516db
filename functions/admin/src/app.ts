import { createFunctionApp, type FunctionApp, type Lifecycle, type Logger } from '@zerochat/runtime';
import packageJson from '../package.json' with { type: 'json' };
import type { AdminConfig } from './config.ts';

export interface AdminDeps {
  config: Pick<AdminConfig, 'BODY_LIMIT_BYTES'>;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { ping(): Promise<void> };
}

/** The admin function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: AdminDeps): FunctionApp {
  return createFunctionApp({
    name: 'admin',
    api: {
      title: 'zerochat admin',
      version: packageJson.version,
      description: 'Bootstrap, gateway configuration, status and users.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    readiness: { mongodb: () => deps.mongo.ping() },
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
  });
}
