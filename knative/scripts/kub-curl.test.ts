import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type KubernetesObject as ClientObject, CoreV1Api } from '@kubernetes/client-node';
import { KNATIVE_NAMESPACE } from '@zerochat/kong';
import { REPO_ROOT } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabelSelector, podsOf, selectorQuery, selects } from '../../test/support/cluster-pods.ts';
import { useKubernetesApiServer } from '../../test/support/kubernetes-api.ts';
import { schemaErrors, unknownFields } from '../../test/support/kubernetes-schemas.ts';
import { type KubernetesObject, renderOverlay } from '../../test/support/kustomize.ts';
import { storedDifferences } from '../../test/support/stored-fields.ts';

// `npm run kube:curl` creates one Pod (and nothing else); with --print it prints that Pod instead
// and touches no cluster. The Pod is checked against the schemas and against the rendered
// microk8s overlay: the addresses it calls must be Services the overlay makes, and the
// NetworkPolicies must let it in. Then it is created in a real kube-apiserver, beside the
// overlay's namespace and NetworkPolicies, with server-side apply and strict field validation,
// and checked as stored. No kubelet or network plugin runs here: the Pod never runs, and the
// policies are only stored; which pods they select, the API server answers.

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'knative/scripts/kub-curl.sh');

// biome-ignore lint/suspicious/noExplicitAny: the printed Pod and rendered YAML
type Json = Record<string, any>;

const kubernetes = useKubernetesApiServer({ crds: [] });
let overlay: KubernetesObject[] = [];
let cleanup = async () => {};
beforeAll(async () => {
  const rendered = await renderOverlay('microk8s');
  overlay = rendered.objects;
  cleanup = rendered.cleanup;
  const namespace = overlay.filter((object) => object.kind === 'Namespace');
  const policies = overlay.filter((object) => object.kind === 'NetworkPolicy');
  for (const object of [...namespace, ...policies]) await kubernetes.apply(object as ClientObject);
  // The namespace's default ServiceAccount, which the Pod runs as: on a cluster
  // kube-controller-manager makes it, and none runs here.
  await kubernetes.apply({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: KNATIVE_NAMESPACE },
  });
}, 300_000);
afterAll(() => cleanup());

async function printedPod(...args: string[]): Promise<KubernetesObject & Json> {
  // No kubectl, no cluster: --print must not need either.
  const { stdout } = await run('bash', [SCRIPT, '--print', ...args], { env: { PATH: '/usr/bin:/bin' } });
  return JSON.parse(stdout);
}

/** A request body with what a shell and JSON both escape: quotes, a backslash, a tab. */
const body = '{"model":"zerochat","prompt":"Say \\"hi\\"\tnow","stream":false}';

const curlArgs = (pod: Json) => pod.spec.containers[0].args as string[];
const urls = (pod: Json) => curlArgs(pod).filter((arg) => arg.startsWith('http://'));

/** The Service (core, or Knative's cluster-local one) a cluster address names, and its port. */
function serviceFor(url: string): { kind: string; name: string; port: number } | undefined {
  const { hostname, port } = new URL(url);
  const [name, namespace, ...domain] = hostname.split('.');
  if (namespace !== KNATIVE_NAMESPACE || domain.join('.') !== 'svc.cluster.local') return undefined;
  const wanted = Number(port || 80);
  const core = overlay.find(
    (object) =>
      object.apiVersion === 'v1' &&
      object.kind === 'Service' &&
      object.metadata.name === name &&
      ((object.spec as Json).ports as Json[]).some((candidate) => candidate.port === wanted),
  );
  if (core) return { kind: 'Service', name: name ?? '', port: wanted };
  const knative = overlay.find(
    (object) =>
      object.apiVersion === 'serving.knative.dev/v1' && object.kind === 'Service' && object.metadata.name === name,
  );
  // Knative's cluster-local address answers on port 80, through Kourier's internal gateway.
  return knative && wanted === 80 ? { kind: 'serving.knative.dev Service', name: name ?? '', port: 80 } : undefined;
}

describe('npm run kube:curl', () => {
  it('makes one valid Pod in the zerochat namespace', async () => {
    const pod = await printedPod();
    expect(await schemaErrors(pod)).toEqual([]);
    expect(unknownFields(pod)).toEqual([]);
    expect(pod.metadata.namespace).toBe(KNATIVE_NAMESPACE);
    expect(pod.metadata.name).toMatch(/^zerochat-curl-[0-9a-f]{8}$/);
    expect(pod.spec.restartPolicy).toBe('Never');
  });

  it("asks Ollama for its version and models and each function for /readyz, at addresses of the overlay's Services", async () => {
    const pod = await printedPod();
    expect(urls(pod).map((url) => new URL(url).pathname)).toEqual([
      '/api/version',
      '/api/tags',
      '/readyz',
      '/readyz',
      '/readyz',
      '/readyz',
    ]);
    expect(urls(pod).map((url) => serviceFor(url)?.name)).toEqual(['ollama', 'ollama', 'auth', 'chat', 'admin', 'web']);
  });

  it("is let in by Ollama's and MongoDB's NetworkPolicies, as zerochat's own pods are", async () => {
    const pod = await printedPod();
    for (const name of ['ollama-from-zerochat', 'mongodb-from-zerochat']) {
      const policy = overlay.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === name) as Json;
      const admitted = (policy.spec.ingress as Json[]).some((rule) =>
        (rule.from as Json[]).some(
          (peer) => peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector, pod.metadata.labels ?? {}),
        ),
      );
      expect(admitted, name).toBe(true);
    }
    // Its labels are its own: no workload's selector picks it up as one of theirs.
    const ownerSelectors = overlay.flatMap((object) => ((object.spec as Json)?.selector?.matchLabels ? [object] : []));
    for (const owner of ownerSelectors) {
      expect(
        selects({ matchLabels: (owner.spec as Json).selector.matchLabels }, pod.metadata.labels ?? {}),
        owner.metadata.name,
      ).toBe(false);
    }
    expect(podsOf(overlay).some((other) => other.labels['app.kubernetes.io/name'] === 'zerochat-curl')).toBe(false);
  });

  it('runs under the restricted Pod Security profile', async () => {
    const pod = await printedPod();
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.spec.containers[0].image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
  });

  it('sends one request of your own to a target, with your curl arguments as they are', async () => {
    const pod = await printedPod('ollama', '/api/generate', '-d', body, '-H', 'content-type: application/json');
    const args = curlArgs(pod);
    expect(args.slice(-5)).toEqual([
      '-d',
      body,
      '-H',
      'content-type: application/json',
      'http://ollama.zerochat.svc.cluster.local:11434/api/generate',
    ]);
    expect(serviceFor(urls(await printedPod('kong', '/auth/.well-known/jwks.json'))[0] ?? '')?.name).toBe('kong-proxy');
    expect(serviceFor(urls(await printedPod('chat', '/healthz'))[0] ?? '')?.name).toBe('chat');
  });

  it.each([
    [['mongodb'], /unknown target 'mongodb'/],
    [['chat', 'healthz'], /the path must start with \//],
  ])('refuses %j with a clear line and prints no Pod', async (args, message) => {
    const failure = await run('bash', [SCRIPT, '--print', ...args]).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(message);
  });
});

describe('npm run kube:curl, its Pod created in a real kube-apiserver', () => {
  /** Creates the printed Pod as `kubectl apply --server-side --validate=strict` would; resolves to it as stored. */
  async function created(...args: string[]): Promise<{ printed: Json; stored: Json }> {
    const printed = await printedPod(...args);
    await kubernetes.apply(structuredClone(printed) as ClientObject);
    return { printed, stored: await kubernetes.read(printed as ClientObject) };
  }

  it('is stored in the zerochat namespace as printed: image, curl arguments and URLs, restart policy, labels', async () => {
    const { printed, stored } = await created();
    expect(storedDifferences(printed, stored)).toEqual([]);
    expect(stored.metadata.namespace).toBe(KNATIVE_NAMESPACE);
    expect(stored.metadata.uid).toEqual(expect.any(String));
    expect(stored.spec.containers[0].image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
    expect(stored.spec.restartPolicy).toBe('Never');
    expect(stored.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'zerochat-curl',
      'app.kubernetes.io/part-of': 'zerochat',
    });
    expect(urls(stored)).toEqual(urls(printed));
    expect(urls(stored)).toHaveLength(6);
  });

  it("gets no API token: the API server's ServiceAccount admission mounts none into it", async () => {
    const { stored } = await created();
    expect(stored.spec.serviceAccountName).toBe('default');
    const volumes = (stored.spec.volumes ?? []) as Json[];
    expect(volumes.filter((volume) => volume.projected)).toEqual([]);
    expect(stored.spec.containers[0].volumeMounts).toBeUndefined();
  });

  it('stores your curl arguments byte for byte, quotes, tabs and all', async () => {
    const { stored } = await created('ollama', '/api/generate', '-d', body);
    expect(curlArgs(stored).slice(-3)).toEqual([
      '-d',
      body,
      'http://ollama.zerochat.svc.cluster.local:11434/api/generate',
    ]);
  });

  it("is among the pods the stored Ollama and MongoDB NetworkPolicies admit, by the API server's own selection", async () => {
    const { stored } = await created();
    const core = kubernetes.kubeConfig.makeApiClient(CoreV1Api);
    const podsSelected = async (selector: LabelSelector) =>
      (
        await core.listNamespacedPod({ namespace: KNATIVE_NAMESPACE, labelSelector: selectorQuery(selector) })
      ).items.map((pod) => pod.metadata?.name);
    for (const name of ['ollama-from-zerochat', 'mongodb-from-zerochat']) {
      const policy = (await kubernetes.read({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: KNATIVE_NAMESPACE },
      })) as Json;
      const peers = (policy.spec.ingress as Json[]).flatMap((rule) => rule.from as Json[]);
      const admitting = [];
      for (const peer of peers.filter((peer) => peer.podSelector && !peer.namespaceSelector)) {
        if ((await podsSelected(peer.podSelector)).includes(stored.metadata.name)) admitting.push(peer);
      }
      expect(admitting, name).not.toEqual([]);
      // It is a sender only: the policy's own pods (Ollama's, MongoDB's) do not include it.
      expect(await podsSelected(policy.spec.podSelector), name).not.toContain(stored.metadata.name);
    }
  });
});
