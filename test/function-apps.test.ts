import { connectMongo, createLifecycle } from '@zerochat/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createAdminApp } from '../functions/admin/src/app.ts';
import { type AuthSettings, createApp as createAuthApp } from '../functions/auth/src/app.ts';
import { testAuthSettings } from '../functions/auth/src/testing/auth-settings.ts';
import { createApp as createChatApp } from '../functions/chat/src/app.ts';
import { captureLog } from './support/capture-log.ts';
import { documentedOperations, routedOperations } from './support/openapi-coverage.ts';
import { testServices } from './support/test-services.ts';

const mongo = connectMongo({ uri: testServices().mongoUri, dbName: 'apps', timeoutMs: 3000, appName: 'test' });
afterAll(() => mongo.close());
// A superset of what each function reads; chat and admin take only what they need.
let config: AuthSettings;
beforeAll(async () => {
  config = await testAuthSettings();
});

const deps = () => ({
  config,
  log: captureLog().log,
  lifecycle: createLifecycle(),
  mongo,
});
const apps = { auth: createAuthApp, chat: createChatApp, admin: createAdminApp };

describe.each(Object.entries(apps))('the %s app', (name, createApp) => {
  it('documents every route it serves in its OpenAPI document', () => {
    const app = createApp(deps());
    const documented = documentedOperations(app);
    expect(routedOperations(app).filter((operation) => !documented.includes(operation))).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /metrics', `GET /${name}/docs`]),
    );
  });

  it('is ready when MongoDB answers', async () => {
    const response = await createApp(deps()).request('/readyz');
    expect(response.status).toBe(200);
  });
});
