import { createLifecycle, type FunctionApp, type Mongo, parseConfig } from '@zerochat/runtime';
import { createApp as createAdminApp } from '../../functions/admin/src/app.ts';
import { testAdminSettings, zerochatModelfile } from '../../functions/admin/test/admin-settings.ts';
import { createApp as createAuthApp } from '../../functions/auth/src/app.ts';
import { testAuthSettings } from '../../functions/auth/test/auth-settings.ts';
import { createApp as createChatApp } from '../../functions/chat/src/app.ts';
import { chatConfigSchema } from '../../functions/chat/src/config.ts';
import { createModelServer } from '../../functions/chat/src/model-server.ts';
import { captureLog } from './capture-log.ts';
import { testSigningKey } from './keys.ts';

export type FunctionName = 'auth' | 'chat' | 'admin';

/**
 * Each function's app, built with valid test settings, for tests that look at all three
 * (OpenAPI coverage, gateway routes). No token is verified and no model asked for here.
 */
export async function buildFunctionApps(
  mongo: Pick<Mongo, 'ping' | 'db'>,
  ollamaHost = 'http://127.0.0.1:9',
): Promise<Record<FunctionName, FunctionApp>> {
  const common = { log: captureLog().log, lifecycle: createLifecycle(), mongo };
  return {
    auth: createAuthApp({ ...common, config: await testAuthSettings() }),
    chat: createChatApp({
      ...common,
      config: parseConfig(chatConfigSchema, { MONGODB_URI: 'mongodb://unused', AUTH_JWKS_URL: 'http://127.0.0.1:9/' }),
      models: createModelServer({ host: ollamaHost }),
    }),
    admin: createAdminApp({
      ...common,
      config: testAdminSettings([(await testSigningKey()).publicJwk]),
      modelfile: zerochatModelfile(),
    }),
  };
}
