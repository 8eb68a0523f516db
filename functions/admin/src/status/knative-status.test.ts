import type { KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { canonicalModelName } from '@zerochat/ollama';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { CRD_SOURCES, useKubernetesApiServer } from '../../../../test/support/kubernetes-api.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { adminTestApp } from '../../test/admin-harness.ts';
import { applyZerochatRbac } from '../../test/cluster-rbac.ts';
import { knativeObjects } from '../../test/knative-objects.ts';
import { kubernetesKnativeApi, summariseServices } from './knative-services.ts';
import type { StatusDocument } from './status.ts';

// GET /admin/status's Knative section, read with @kubernetes/client-node from a real
// kube-apiserver (with Knative Serving's CRDs), as the admin function's ServiceAccount: its
// token is one the API server issued (TokenRequest), and what it may read is what
// knative/base/rbac.yaml grants. No Knative controller or kubelet runs here, so the services,
// revisions and pods are created by the test and their status written through the status
// subresource, as the controllers would (test/knative-objects.ts).

const NAMESPACE = 'zerochat';
const kubernetes = useKubernetesApiServer({
  crds: CRD_SOURCES.filter(({ module }) => module.startsWith('knative.dev/serving')),
});
const database = useTestDatabase();
const tinyModel = canonicalModelName(testServices().tinyModel);
let key: TestSigningKey;

const kubeconfigOf = (serviceAccount: string) => kubernetes.serviceAccountKubeconfig(serviceAccount, NAMESPACE);

beforeAll(async () => {
  key = await testSigningKey();
  await applyZerochatRbac(kubernetes);
  const { services, revisions, pods } = knativeObjects();
  for (const object of [...services, ...revisions, ...pods]) await kubernetes.applyWithStatus(object as ClientObject);
}, 600_000);

async function knativeSection(kubeconfig: string) {
  const admin = adminTestApp(database.db, key, {
    OLLAMA_HOST: testServices().ollamaHost,
    ZEROCHAT_MODEL: tinyModel,
    ZEROCHAT_BASE_MODEL: tinyModel,
    KUBECONFIG: kubeconfig,
  });
  const { token } = await admin.userWithToken('admin');
  const response = await admin.app.request('/admin/status', { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as StatusDocument).knative;
}

describe('GET /admin/status, against a real kube-apiserver', () => {
  it("lists the Knative services with their revisions' replicas and their pods, as the zerochat-admin ServiceAccount", async () => {
    const knative = await knativeSection(await kubeconfigOf('zerochat-admin'));
    expect(knative).toMatchObject({ status: 'degraded', namespace: NAMESPACE, error: 'not ready: admin' });
    // The summary of what the API server holds is the summary of the objects as written.
    const { services, revisions, pods } = knativeObjects();
    expect(knative.services).toEqual(summariseServices(services, revisions, pods));
    expect(knative.services?.map((service) => [service.name, service.ready, service.actualReplicas])).toEqual([
      ['admin', false, 1],
      ['auth', true, 0],
      ['chat', true, 2],
    ]);
    expect(knative.services?.find((service) => service.name === 'admin')?.pods).toEqual([
      {
        name: 'admin-00001-deployment-5f6b7-aaaaa',
        revision: 'admin-00001',
        phase: 'Running',
        ready: true,
        restarts: 0,
        waiting: null,
      },
      {
        name: 'admin-00002-deployment-6a7c8-bbbbb',
        revision: 'admin-00002',
        phase: 'Pending',
        ready: false,
        restarts: 0,
        waiting: 'ImagePullBackOff',
      },
    ]);
    expect(knative.services?.find((service) => service.name === 'chat')?.pods.map((pod) => pod.restarts)).toEqual([
      0, 1,
    ]);
    expect(knative.services?.find((service) => service.name === 'auth')?.pods).toEqual([]);
  });

  it('says Kubernetes refused, when the token is of a ServiceAccount the Role is not bound to', async () => {
    const knative = await knativeSection(await kubeconfigOf('zerochat-function'));
    expect(knative).toEqual({
      status: 'unavailable',
      namespace: NAMESPACE,
      error: 'Kubernetes API answered 403 Forbidden',
    });
  });

  it('loads @kubernetes/client-node only when there is a cluster to ask', () => {
    expect(kubernetesKnativeApi({ inCluster: false })).toBeUndefined();
  });
});
