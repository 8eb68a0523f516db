import { AuthorizationV1Api, type KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knativeVariants, renderKnativeVariants } from '../test/support/knative-variants.ts';
import { useKubernetesApiServer } from '../test/support/kubernetes-api.ts';
import type { KubernetesObject } from '../test/support/kustomize.ts';
import { storedDifferences } from '../test/support/stored-fields.ts';

// Every variant of knative/ (each overlay, each component on the microk8s overlay) applied for
// real to a kube-apiserver on its own etcd, with the CRDs of Knative Serving and Eventing and of
// the Prometheus operator installed: server-side apply with strict field validation, as
// `kubectl apply --server-side --validate=strict` does. The API server checks every object
// against the OpenAPI schema of its kind (built in, or the CRD's) and stores it.
//
// No Knative, Prometheus or Kong controller and no admission webhook runs here: Knative's own
// defaulting and validation run in knative/knative-validate.test.ts; nothing injects K_SINK into
// the bootstrap Job, and nothing reconciles what is stored.

// biome-ignore lint/suspicious/noExplicitAny: rendered and stored objects, read field by field
type Json = Record<string, any>;

const kubernetes = useKubernetesApiServer();
let rendered = new Map<string, KubernetesObject[]>();
let cleanup = async () => {};

beforeAll(async () => {
  ({ rendered, cleanup } = await renderKnativeVariants());
}, 300_000);
afterAll(() => cleanup());

const objectsOf = (variant: string) => rendered.get(variant) ?? [];
const find = (variant: string, kind: string, name: string) => {
  const object = objectsOf(variant).find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`${variant} renders no ${kind}/${name}`);
  return structuredClone(object) as ClientObject & Json;
};
/** Namespaces first: everything else lives in one. */
const inApplyOrder = (objects: KubernetesObject[]) =>
  [...objects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));

/** As kub-deploy.sh does: a Job's pod template cannot change, so the last deploy's Job goes first. */
async function applyAll(variant: string) {
  for (const object of inApplyOrder(objectsOf(variant))) {
    if (object.kind === 'Job') await kubernetes.remove(object as ClientObject);
    await kubernetes.apply(structuredClone(object) as ClientObject);
  }
}

/** A Secret's data as the API server returns it: base64 without line breaks. */
const canonical = (object: KubernetesObject) =>
  object.kind === 'Secret' && object.data
    ? {
        ...object,
        data: Object.fromEntries(
          Object.entries(object.data as Record<string, string>).map(([key, value]) => [
            key,
            Buffer.from(value, 'base64').toString('base64'),
          ]),
        ),
      }
    : object;

async function refusal(object: ClientObject): Promise<string> {
  try {
    await kubernetes.apply(object);
  } catch (error) {
    return (error as Error).message;
  }
  return 'stored';
}

describe.each(knativeVariants())('the %s variant, applied to a real kube-apiserver', (variant) => {
  it('is accepted and stored field for field as rendered', async () => {
    const objects = inApplyOrder(objectsOf(variant));
    expect(objects.length).toBeGreaterThan(25);
    await applyAll(variant);
    const differences: string[] = [];
    for (const object of objects) {
      const stored = await kubernetes.read(object as ClientObject);
      expect(stored.metadata?.uid, `${object.kind}/${object.metadata.name}`).toEqual(expect.any(String));
      for (const line of storedDifferences(canonical(object), stored))
        differences.push(`${object.kind}/${object.metadata.name}${line}`);
    }
    expect(differences).toEqual([]);
  });
});

describe('strict field validation by the API server', () => {
  const variant = 'microk8s';
  beforeAll(() => applyAll(variant));

  it('refuses a misspelt field of a built-in kind', async () => {
    const kong = find(variant, 'Deployment', 'kong');
    kong.spec.replica = kong.spec.replicas;
    expect(await refusal(kong)).toMatch(/\.spec\.replica: field not declared in schema/);
  });

  it('refuses a misspelt field of a Knative Service, by the CRD of Knative Serving', async () => {
    const auth = find(variant, 'Service', 'auth');
    auth.spec.template.spec.containers[0].readinesProbe = auth.spec.template.spec.containers[0].readinessProbe;
    expect(await refusal(auth)).toMatch(
      /\.spec\.template\.spec\.containers\[0\]\.readinesProbe: field not declared in schema/,
    );
  });

  it('refuses a value of the wrong type in a Trigger, by the CRD of Knative Eventing', async () => {
    const trigger = find(variant, 'Trigger', 'admin-bootstrap');
    trigger.spec.delivery.retry = 'five';
    expect(await refusal(trigger)).toMatch(/\.spec\.delivery\.retry: expected numeric/);
  });

  it('stores the bootstrap Job as written: without a webhook, nothing injects K_SINK', async () => {
    const job = (await kubernetes.read(find(variant, 'Job', 'zerochat-bootstrap'))) as Json;
    const env = job.spec.template.spec.containers[0].env ?? [];
    expect(env.map((variable: { name: string }) => variable.name)).not.toContain('K_SINK');
  });
});

describe("the admin function's ServiceAccount, by the API server's RBAC", () => {
  const variant = 'microk8s';
  beforeAll(() => applyAll(variant));

  const allowed = async (verb: string, group: string, resource: string, namespace = 'zerochat') => {
    const review = await kubernetes.kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:serviceaccount:zerochat:zerochat-admin',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:zerochat', 'system:authenticated'],
          resourceAttributes: { verb, group, resource, namespace },
        },
      },
    });
    return review.status?.allowed ?? false;
  };

  it('may read Knative services, revisions and pods of its namespace', async () => {
    for (const [group, resource] of [
      ['serving.knative.dev', 'services'],
      ['serving.knative.dev', 'revisions'],
      ['', 'pods'],
    ] as const) {
      for (const verb of ['get', 'list', 'watch'])
        expect(await allowed(verb, group, resource), `${verb} ${resource}`).toBe(true);
    }
  });

  it('may not change them, read secrets, or read other namespaces', async () => {
    expect(await allowed('update', 'serving.knative.dev', 'services')).toBe(false);
    expect(await allowed('delete', '', 'pods')).toBe(false);
    expect(await allowed('get', '', 'secrets')).toBe(false);
    expect(await allowed('list', '', 'pods', 'kube-system')).toBe(false);
  });
});
