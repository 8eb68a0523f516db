import { ensureIndexes } from '@zerochat/data';
import { freePort } from '@zerochat/local-services';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminTestApp, tinyBaseModel, uniqueModelNames } from '../../test/admin-harness.ts';
import type { BootstrapReport } from '../bootstrap/bootstrap.ts';

const database = useTestDatabase();
const { ollamaHost } = testServices();
let key: TestSigningKey;
beforeAll(async () => {
  key = await testSigningKey();
});

async function bootstrapAs(env: Record<string, string>) {
  const admin = adminTestApp(
    database.db,
    key,
    { ...uniqueModelNames(), ...env },
    {
      baseModelSource: tinyBaseModel(ollamaHost),
    },
  );
  const { token } = await admin.userWithToken('admin');
  return admin.app.request('/admin/bootstrap', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
}

describe('POST /admin/bootstrap', () => {
  it('runs the bootstrap and answers its report', async () => {
    const response = await bootstrapAs({ OLLAMA_HOST: ollamaHost });
    expect(response.status).toBe(200);
    const report = (await response.json()) as BootstrapReport;
    expect(report).toMatchObject({ status: 'changed', trigger: { kind: 'api', userId: expect.any(String) } });
    expect(report.steps.map((step) => step.step)).toEqual([
      'mongodb-indexes',
      'admin-account',
      'ollama-models',
      'kong-config',
    ]);
  });

  it('answers 503 bootstrap_failed with the report when a step fails', async () => {
    await ensureIndexes(database.db); // an install whose indexes are in place: that step is ok
    const response = await bootstrapAs({ OLLAMA_HOST: `http://127.0.0.1:${await freePort()}` });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { code: string; report: BootstrapReport };
    expect(problem.code).toBe('bootstrap_failed');
    expect(problem.report.status).toBe('failed');
    expect(problem.report.steps.find((step) => step.step === 'ollama-models')).toMatchObject({
      outcome: 'failed',
      reason: 'Ollama: unreachable (ECONNREFUSED)',
    });
    expect(problem.report.steps.find((step) => step.step === 'mongodb-indexes')?.outcome).toBe('ok');
  });
});
