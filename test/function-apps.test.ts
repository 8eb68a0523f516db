import { connectMongo, type FunctionApp } from '@zerochat/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctionApps, type FunctionName } from './support/function-apps.ts';
import { documentedOperations, routedOperations } from './support/openapi-coverage.ts';
import { testServices } from './support/test-services.ts';

const mongo = connectMongo({ uri: testServices().mongoUri, dbName: 'apps', timeoutMs: 3000, appName: 'test' });
let apps: Record<FunctionName, FunctionApp>;
beforeAll(async () => {
  apps = await buildFunctionApps(mongo);
});
afterAll(() => mongo.close());

describe.each(['auth', 'chat', 'admin'] as const)('the %s app', (name) => {
  it('documents every route it serves in its OpenAPI document', () => {
    const documented = documentedOperations(apps[name]);
    expect(routedOperations(apps[name]).filter((operation) => !documented.includes(operation))).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /metrics', `GET /${name}/docs`]),
    );
  });

  it('is ready when MongoDB answers', async () => {
    const response = await apps[name].request('/readyz');
    expect(response.status).toBe(200);
  });
});
