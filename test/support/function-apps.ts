import { createLifecycle, type FunctionApp, type Mongo } from '@zerochat/runtime';
import { createApp as createAdminApp } from '../../functions/admin/src/app.ts';
import { testAdminSettings, zerochatModelfile } from '../../functions/admin/src/testing/admin-settings.ts';
import { createApp as createAuthApp } from '../../functions/auth/src/app.ts';
import { testAuthSettings } from '../../functions/auth/src/testing/auth-settings.ts';
import { createApp as createChatApp } from '../../functions/chat/src/app.ts';
import { captureLog } from './capture-log.ts';
import { testSigningKey } from './keys.ts';

export type FunctionName = 'auth' | 'chat' | 'admin';

/**
 * Each function's app, built with valid test settings, for tests that look at all three
 * (OpenAPI coverage, gateway routes). `mongo` may be a stand-in where no request is sent.
 */
export async function buildFunctionApps(mongo: Pick<Mongo, 'ping' | 'db'>): Promise<Record<FunctionName, FunctionApp>> {
  const common = { log: captureLog().log, lifecycle: createLifecycle(), mongo };
  return {
    auth: createAuthApp({ ...common, config: await testAuthSettings() }),
    chat: createChatApp({ ...common, config: { BODY_LIMIT_BYTES: 65_536 } }),
    admin: createAdminApp({
      ...common,
      config: testAdminSettings([(await testSigningKey()).publicJwk]),
      modelfile: zerochatModelfile(),
    }),
  };
}
