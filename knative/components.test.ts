import { INTERNAL_PATHS, KNATIVE_NAMESPACE } from '@zerochat/kong';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabelSelector, podsOf, selects } from '../test/support/cluster-pods.ts';
import { schemaErrors } from '../test/support/kubernetes-schemas.ts';
import { type KubernetesObject, renderOverlay } from '../test/support/kustomize.ts';

// The opt-in components, rendered on top of the microk8s overlay as a user would add them.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Json = Record<string, any>;

const COMPONENTS = ['ollama-nodeport', 'prometheus-monitors'] as const;
/** The Helm release of MicroK8s' observability add-on, whose Prometheus takes monitors labelled with it. */
const OBSERVABILITY_RELEASE = 'kube-prom-stack';

let plain: KubernetesObject[] = [];
let withComponents: KubernetesObject[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const base = await renderOverlay('microk8s');
  const extended = await renderOverlay('microk8s', COMPONENTS);
  cleanups.push(base.cleanup, extended.cleanup);
  plain = base.objects;
  withComponents = extended.objects;
}, 300_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const find = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name) as Json | undefined;

const added = () =>
  withComponents.filter(
    (object) => !plain.some((other) => other.kind === object.kind && other.metadata.name === object.metadata.name),
  );

describe('the opt-in components', () => {
  it('add valid objects, in the namespace and labelled as part of zerochat', async () => {
    expect(added().map((object) => `${object.kind}/${object.metadata.name}`)).toEqual(
      expect.arrayContaining(['Service/ollama-nodeport', 'PodMonitor/zerochat-functions', 'PodMonitor/kong']),
    );
    for (const object of added()) {
      expect(await schemaErrors(object), `${object.kind}/${object.metadata.name}`).toEqual([]);
      expect(object.metadata.namespace).toBe(KNATIVE_NAMESPACE);
      expect(object.metadata.labels?.['app.kubernetes.io/part-of']).toBe('zerochat');
    }
  });

  it('are not in the overlays by default', () => {
    expect(
      plain.filter((object) => object.kind === 'PodMonitor' || object.metadata.name === 'ollama-nodeport'),
    ).toEqual([]);
  });
});

describe('Ollama on NodePort 31434', () => {
  it("publishes the Ollama pod's http port on the node's port 31434", () => {
    const service = find(withComponents, 'Service', 'ollama-nodeport');
    expect(service?.spec.type).toBe('NodePort');
    expect(service?.spec.ports).toEqual([{ name: 'http', port: 11434, targetPort: 'http', nodePort: 31434 }]);
    const selected = podsOf(withComponents).filter((pod) =>
      selects({ matchLabels: service?.spec.selector }, pod.labels),
    );
    expect(selected.map((pod) => pod.owner)).toEqual(['StatefulSet/ollama']);
    expect(selected[0]?.ports).toContainEqual({ name: 'http', containerPort: 11434 });
  });

  /** Whether a rule of the policy admits a source outside the namespace on the port. */
  const admitsOutsiders = (policy: Json, port: number) =>
    (policy.spec.ingress as Json[]).some(
      (rule) =>
        (!rule.from || rule.from.length === 0 || rule.from.some((peer: Json) => peer.ipBlock?.cidr === '0.0.0.0/0')) &&
        (!rule.ports || rule.ports.some((allowed: Json) => allowed.port === port)),
    );

  it("is admitted by Ollama's NetworkPolicy, on Ollama's port only; without the component only zerochat's pods are", () => {
    const policy = find(withComponents, 'NetworkPolicy', 'ollama-from-zerochat');
    expect(admitsOutsiders(policy as Json, 11434)).toBe(true);
    for (const rule of policy?.spec.ingress ?? []) expect(rule.ports).toEqual([{ port: 11434, protocol: 'TCP' }]);
    expect(admitsOutsiders(find(plain, 'NetworkPolicy', 'ollama-from-zerochat') as Json, 11434)).toBe(false);
    expect(find(withComponents, 'NetworkPolicy', 'mongodb-from-zerochat')).toEqual(
      find(plain, 'NetworkPolicy', 'mongodb-from-zerochat'),
    );
  });
});

describe('the Prometheus monitors', () => {
  const monitor = (name: string) => find(withComponents, 'PodMonitor', name) as Json;
  const scraped = (name: string) => {
    const selector = monitor(name).spec.selector as LabelSelector;
    return podsOf(withComponents).filter(
      (pod) => pod.namespace === monitor(name).metadata.namespace && selects(selector, pod.labels),
    );
  };

  it("carry the label the observability add-on's Prometheus selects monitors by", () => {
    for (const name of ['zerochat-functions', 'kong']) {
      expect(monitor(name).metadata.labels.release).toBe(OBSERVABILITY_RELEASE);
    }
  });

  it("scrape the four functions' pods, and nothing else, at their /metrics", () => {
    const pods = scraped('zerochat-functions');
    expect(pods.map((pod) => pod.owner).sort()).toEqual([
      'Service/admin',
      'Service/auth',
      'Service/chat',
      'Service/web',
    ]);
    for (const endpoint of monitor('zerochat-functions').spec.podMetricsEndpoints as Json[]) {
      expect(INTERNAL_PATHS).toContain(endpoint.path);
      expect(endpoint.path).toBe('/metrics');
      for (const pod of pods) {
        const port = pod.ports.find((candidate) => candidate.name === endpoint.port);
        expect(port?.containerPort, `${pod.owner} has no port ${endpoint.port}`).toBe(8080);
      }
    }
  });

  it("scrape Kong's pod at its status listener's /metrics", () => {
    const pods = scraped('kong');
    expect(pods.map((pod) => pod.owner)).toEqual(['Deployment/kong']);
    const [endpoint] = monitor('kong').spec.podMetricsEndpoints as Json[];
    const port = pods[0]?.ports.find((candidate) => candidate.name === endpoint?.port);
    const kong = (find(withComponents, 'Deployment', 'kong') as Json).spec.template.spec.containers[0];
    const statusListen = kong.env.find((variable: Json) => variable.name === 'KONG_STATUS_LISTEN').value as string;
    expect(statusListen.endsWith(`:${port?.containerPort}`)).toBe(true);
    expect(endpoint?.path).toBe('/metrics');
  });

  it('keep the function and revision of each sample, so the cold start can be read per function', () => {
    expect(monitor('zerochat-functions').spec.podTargetLabels).toEqual([
      'serving.knative.dev/service',
      'serving.knative.dev/revision',
    ]);
  });
});
