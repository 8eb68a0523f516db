import { randomInt } from 'node:crypto';
import { freePort, registerTinyModel } from '@zerochat/local-services';
import { canonicalModelName } from '@zerochat/ollama';
import { Ollama } from 'ollama/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { schemaErrors, unknownFields } from '../../../../test/support/kubernetes-schemas.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminTestApp, uniqueModelNames } from '../../test/admin-harness.ts';
import { knativeObjects } from '../../test/knative-objects.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../../test/kong-admin-stand-in.ts';
import type { AdminDeps } from '../app.ts';
import { summariseServices } from '../status/knative-services.ts';
import type { StatusDocument } from '../status/status.ts';

// Real FerretDB and Ollama; Kong cannot run here, so its admin API is a stand-in
// (test/kong-admin-stand-in.ts). The Knative section is read from a real kube-apiserver in
// status/knative-status.test.ts; here Knative's answers (and its failures) are given in process.

const database = useTestDatabase();
const { ollamaHost } = testServices();
const tinyModel = canonicalModelName(testServices().tinyModel);
let key: TestSigningKey;
let kong: KongAdminStandIn;

beforeAll(async () => {
  key = await testSigningKey();
  kong = await startKongAdminStandIn();
});
afterAll(() => kong.stop());

/** The tiny model stands for both models, so Ollama is complete without a bootstrap. */
const models = { ZEROCHAT_MODEL: tinyModel, ZEROCHAT_BASE_MODEL: tinyModel };
const knativeStandIn = {
  listServices: async () => knativeObjects().services,
  listRevisions: async () => knativeObjects().revisions,
  listPods: async () => knativeObjects().pods,
};

async function statusOf(env: Record<string, string>, deps: Partial<AdminDeps> = {}, db = database.db) {
  const admin = adminTestApp(db, key, { OLLAMA_HOST: ollamaHost, ...models, ...env }, deps);
  const { token } = await admin.userWithToken('admin');
  const response = await admin.app.request('/admin/status', { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return { admin, token, status: (await response.json()) as StatusDocument };
}

describe('GET /admin/status', () => {
  it('reports every dependency ok when all are', async () => {
    // Models of this test's own, with weights of their own: Ollama lists a runner under the
    // name that loaded it first, which for the shared tiny model's weights may be any file's.
    const { ZEROCHAT_MODEL: model, ZEROCHAT_BASE_MODEL: base } = uniqueModelNames();
    await registerTinyModel(ollamaHost, base, randomInt(2 ** 31));
    const env = {
      KONG_ADMIN_URL: kong.url,
      KONG_UPSTREAMS: 'compose',
      ZEROCHAT_MODEL: model,
      ZEROCHAT_BASE_MODEL: base,
    };
    // A database of this test's own: the admins counted below are the two it makes.
    const db = database.fresh();
    // Kong in sync: the bootstrap posts the config first.
    const setup = adminTestApp(db, key, { OLLAMA_HOST: ollamaHost, ...models, ...env });
    const { token } = await setup.userWithToken('admin');
    const bootstrap = await setup.app.request('/admin/bootstrap', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bootstrap.status).toBe(200);
    await new Ollama({ host: ollamaHost }).generate({ model, prompt: 'hi', options: { num_predict: 1 } });

    const { status } = await statusOf(env, { knative: knativeStandIn }, db);
    expect(status.status).toBe('degraded'); // the admin Knative service is not ready
    expect(status.mongodb).toMatchObject({ status: 'ok', latencyMs: expect.any(Number), users: { admins: 2 } });
    expect(status.ollama).toMatchObject({
      status: 'ok',
      host: ollamaHost,
      version: expect.stringMatching(/^\d+\.\d+/),
      zerochatModel: { name: model, installed: true },
    });
    expect(status.ollama.models?.find((entry) => entry.name === model)).toMatchObject({ loaded: true });
    expect(status.ollama.loaded?.map((entry) => entry.name)).toContain(model);
    expect(status.kong).toMatchObject({
      status: 'ok',
      adminUrl: kong.url,
      version: '3.9.1',
      mode: 'db-less',
      database: 'off',
      configInSync: true,
    });
    expect(status.kong.runningDigest).toBe(status.kong.expectedDigest);
    expect(status.knative).toMatchObject({ status: 'degraded', namespace: 'zerochat', error: 'not ready: admin' });
    expect(status.knative.services).toEqual([
      {
        name: 'admin',
        ready: false,
        reason: 'Revision "admin-00002" failed with message: back-off pulling image.',
        url: 'http://admin.zerochat.svc.cluster.local',
        latestCreatedRevision: 'admin-00002',
        latestReadyRevision: 'admin-00001',
        desiredReplicas: 1,
        actualReplicas: 1,
        pods: [
          expect.objectContaining({ revision: 'admin-00001', phase: 'Running', ready: true }),
          expect.objectContaining({
            revision: 'admin-00002',
            phase: 'Pending',
            ready: false,
            waiting: 'ImagePullBackOff',
          }),
        ],
      },
      expect.objectContaining({ name: 'auth', ready: true, reason: null, desiredReplicas: 0, actualReplicas: 0 }),
      expect.objectContaining({ name: 'chat', ready: true, latestReadyRevision: 'chat-00002', actualReplicas: 2 }),
    ]);
  });

  it('says ok overall when every configured dependency is, and leaves out what is not configured', async () => {
    const { status } = await statusOf({});
    expect(status.status).toBe('ok');
    expect(status.kong).toEqual({ status: 'not_configured', error: 'KONG_ADMIN_URL is not set' });
    expect(status.knative).toEqual({
      status: 'not_configured',
      namespace: 'zerochat',
      error: 'not in a Kubernetes cluster, and KUBECONFIG is not set',
    });
    expect(Date.parse(status.checkedAt)).not.toBeNaN();
  });

  it('reports Kong out of sync, and a missing model, as degraded', async () => {
    const other = await startKongAdminStandIn();
    try {
      const { status } = await statusOf({
        KONG_ADMIN_URL: other.url,
        KONG_UPSTREAMS: 'compose',
        ZEROCHAT_MODEL: 'not-created-yet',
      });
      expect(status.status).toBe('degraded');
      expect(status.kong).toMatchObject({ status: 'degraded', configInSync: false, runningDigest: null });
      expect(status.ollama).toMatchObject({
        status: 'degraded',
        error: 'not-created-yet:latest is not installed: run the bootstrap',
        zerochatModel: { name: 'not-created-yet:latest', installed: false },
      });
    } finally {
      await other.stop();
    }
  });

  it('answers 200 with the failures inside when Kong, Ollama and Kubernetes are down', async () => {
    const [kongPort, ollamaPort] = [await freePort(), await freePort()];
    const { status, admin } = await statusOf(
      {
        KONG_ADMIN_URL: `http://127.0.0.1:${kongPort}`,
        KONG_UPSTREAMS: 'compose',
        OLLAMA_HOST: `127.0.0.1:${ollamaPort}`,
      },
      {
        knative: {
          listServices: async () => {
            throw Object.assign(new Error('connect ECONNREFUSED 10.152.183.1:443'), { name: 'FetchError' });
          },
          listRevisions: async () => [],
          listPods: async () => [],
        },
      },
    );
    expect(status).toMatchObject({
      status: 'degraded',
      mongodb: { status: 'ok' },
      ollama: { status: 'unavailable', error: 'unreachable (ECONNREFUSED)', host: `http://127.0.0.1:${ollamaPort}` },
      kong: { status: 'unavailable', error: 'unreachable (ECONNREFUSED)', adminUrl: `http://127.0.0.1:${kongPort}` },
      knative: { status: 'unavailable', error: 'FetchError', namespace: 'zerochat' },
    });
    expect(JSON.stringify(status)).not.toContain('10.152.183.1');
    expect(admin.lines.filter((line) => line.msg === 'status check failed')).toHaveLength(3);
  });

  it('gives up on a dependency that does not answer within its time limit', async () => {
    const started = performance.now();
    const { status } = await statusOf(
      {},
      {
        knative: { listServices: () => new Promise(() => {}), listRevisions: async () => [], listPods: async () => [] },
      },
    );
    expect(status.knative).toMatchObject({ status: 'unavailable', error: 'timed out' });
    expect(performance.now() - started).toBeLessThan(6000);
  });
});

describe('the Knative services', () => {
  it('are summarised from objects in the Knative Serving format (checked against its schema)', async () => {
    const { services, revisions } = knativeObjects();
    for (const object of [...services, ...revisions] as never[]) {
      expect(await schemaErrors(object)).toEqual([]);
      expect(unknownFields(object)).toEqual([]);
    }
    expect(summariseServices(services, revisions).map((service) => [service.name, service.ready])).toEqual([
      ['admin', false],
      ['auth', true],
      ['chat', true],
    ]);
    expect(summariseServices([{ kind: 'Service' }, ...services.slice(0, 1)], [])).toEqual([
      expect.objectContaining({ name: 'chat', desiredReplicas: null, actualReplicas: null }),
    ]);
  });
});
