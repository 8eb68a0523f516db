import { connectMongo, createLifecycle, parseConfig } from '@zerochat/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp as createAdminApp } from '../functions/admin/src/app.ts';
import { createApp as createAuthApp } from '../functions/auth/src/app.ts';
import { createApp as createChatApp } from '../functions/chat/src/app.ts';
import { chatConfigSchema } from '../functions/chat/src/config.ts';
import { createModelServer } from '../functions/chat/src/model-server.ts';
import { captureLog } from './support/capture-log.ts';
import { documentedOperations, routedOperations } from './support/openapi-coverage.ts';
import { testServices } from './support/test-services.ts';

const mongo = connectMongo({ uri: testServices().mongoUri, dbName: 'apps', timeoutMs: 3000, appName: 'test' });
afterAll(() => mongo.close());

const deps = () => ({
  config: { BODY_LIMIT_BYTES: 65_536 },
  log: captureLog().log,
  lifecycle: createLifecycle(),
  mongo,
});
const chatDeps = () => ({
  ...deps(),
  config: parseConfig(chatConfigSchema, { MONGODB_URI: testServices().mongoUri, AUTH_JWKS_URL: 'http://127.0.0.1:9/' }),
  models: createModelServer({ host: testServices().ollamaHost }),
  verifyAccessToken: () => Promise.reject(new Error('no tokens in this test')),
});
const apps = {
  auth: () => createAuthApp(deps()),
  chat: () => createChatApp(chatDeps()),
  admin: () => createAdminApp(deps()),
};

describe.each(Object.entries(apps))('the %s app', (name, createApp) => {
  it('documents every route it serves in its OpenAPI document', () => {
    const app = createApp();
    const documented = documentedOperations(app);
    expect(routedOperations(app).filter((operation) => !documented.includes(operation))).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /metrics', `GET /${name}/docs`]),
    );
  });

  it('is ready when MongoDB answers', async () => {
    const response = await createApp().request('/readyz');
    expect(response.status).toBe(200);
  });
});
