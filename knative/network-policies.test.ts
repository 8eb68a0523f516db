import { join } from 'node:path';
import { FUNCTIONS, KNATIVE_NAMESPACE } from '@zerochat/kong';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from '../test/support/kustomize.ts';
import {
  admits,
  type Labels,
  namespaceLabels,
  type PodEndpoint,
  policiesSelecting,
} from '../test/support/network-policies.ts';

// The NetworkPolicies are not enforced on these machines (no network plugin), so their
// selectors are checked here against the rendered overlays: the namespaces and pod labels they
// create, plus the labels Knative and the API server add to them at run time.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, read field by field below
type Json = Record<string, any>;

const OVERLAYS = ['microk8s', 'cluster'] as const;
const rendered: Record<string, KubernetesObject[]> = {};
let cleanup = async () => {};

beforeAll(async () => {
  const kustomize = await findKustomize();
  const copy = await knativeCopy('examples');
  cleanup = copy.cleanup;
  for (const overlay of OVERLAYS) {
    rendered[overlay] = parseObjects(await kustomize(join(copy.root, 'knative/overlays', overlay)));
  }
}, 300_000);
afterAll(() => cleanup());

const QUEUE_PROXY_PORT = 8012; // where Kourier and the activator send a revision's requests
const AUTOSCALER_METRICS_PORT = 9090; // where Knative's autoscaler reads the queue-proxy

describe.each(OVERLAYS)('the NetworkPolicies of the %s overlay', (overlay) => {
  const objects = () => rendered[overlay] ?? [];
  const find = (kind: string, name: string) =>
    objects().find((object) => object.kind === kind && object.metadata.name === name) as Json;

  const ownNamespace = () => namespaceLabels(KNATIVE_NAMESPACE, find('Namespace', KNATIVE_NAMESPACE).metadata.labels);
  const inZerochat = (labels: Labels): PodEndpoint => ({
    namespace: KNATIVE_NAMESPACE,
    namespaceLabels: ownNamespace(),
    labels,
  });
  const elsewhere = (namespace: string, labels: Labels): PodEndpoint => ({
    namespace,
    namespaceLabels: namespaceLabels(namespace),
    labels,
  });

  /** A pod of the function's first revision, labelled as Knative Serving labels it. */
  const functionPod = (fn: string) =>
    inZerochat({
      ...(find('Service', fn).spec.template.metadata.labels ?? {}),
      'serving.knative.dev/service': fn,
      'serving.knative.dev/configuration': fn,
      'serving.knative.dev/revision': `${fn}-00001`,
      app: `${fn}-00001`,
    });
  const containerPort = (fn: string) => find('Service', fn).spec.template.spec.containers[0].ports[0].containerPort;

  /** zerochat's other pods, with the labels of their templates. */
  const otherPods = () =>
    objects()
      .filter((object) => ['StatefulSet', 'Deployment', 'Job'].includes(object.kind))
      .map((object) => ({
        name: `${object.kind}/${object.metadata.name}`,
        pod: inZerochat((object as Json).spec.template.metadata.labels ?? {}),
      }));

  /** Kourier's namespace as Kong's upstreams name it (kourier-internal.<namespace>.svc). */
  const kourierNamespace = () => {
    const config = parse(find('ConfigMap', 'kong-declarative').data['kong.yaml']);
    const target: string = config.upstreams[0].targets[0].target;
    return /^kourier-internal\.([a-z0-9-]+)\.svc/.exec(target)?.[1] ?? 'none';
  };
  const kourierGateway = () => elsewhere(kourierNamespace(), { app: '3scale-kourier-gateway' });
  const activator = elsewhere('knative-serving', { app: 'activator', role: 'activator' });
  const autoscaler = elsewhere('knative-serving', { app: 'autoscaler' });
  const prometheus = elsewhere('observability', { 'app.kubernetes.io/name': 'prometheus' });

  it('select every function pod, and no other pod of zerochat', () => {
    for (const fn of FUNCTIONS) {
      expect(
        policiesSelecting(objects(), functionPod(fn)).map((policy) => policy.metadata.name),
        fn,
      ).toContain('functions-from-knative');
    }
    for (const { name, pod } of otherPods()) {
      const names = policiesSelecting(objects(), pod).map((policy) => policy.metadata.name);
      expect(names, name).not.toContain('functions-from-knative');
    }
  });

  it("let Kourier's gateway and the activator reach every function, and the autoscaler read its queue-proxy", () => {
    expect(kourierNamespace()).toBe('kourier-system');
    for (const fn of FUNCTIONS) {
      expect(admits(objects(), kourierGateway(), functionPod(fn), QUEUE_PROXY_PORT), fn).toBe(true);
      expect(admits(objects(), activator, functionPod(fn), QUEUE_PROXY_PORT), fn).toBe(true);
      expect(admits(objects(), autoscaler, functionPod(fn), AUTOSCALER_METRICS_PORT), fn).toBe(true);
    }
  });

  it("let the monitoring namespace scrape each function's /metrics on its container port, and nothing else", () => {
    for (const fn of FUNCTIONS) {
      expect(admits(objects(), prometheus, functionPod(fn), containerPort(fn)), fn).toBe(true);
      expect(admits(objects(), prometheus, functionPod(fn), QUEUE_PROXY_PORT), fn).toBe(false);
    }
  });

  it("refuse every other sender: Kong, zerochat's own pods, Eventing's broker, other namespaces", () => {
    const kong = inZerochat(find('Deployment', 'kong').spec.template.metadata.labels);
    const bootstrapJob = inZerochat(find('Job', 'zerochat-bootstrap').spec.template.metadata.labels);
    const brokerFilter = elsewhere('knative-eventing', { 'eventing.knative.dev/brokerRole': 'filter' });
    const brokerIngress = elsewhere('knative-eventing', { 'eventing.knative.dev/brokerRole': 'ingress' });
    const anyPod = elsewhere('default', { app: 'curious' });
    const system = elsewhere('kube-system', { 'k8s-app': 'kube-dns' });
    for (const fn of FUNCTIONS) {
      for (const sender of [kong, bootstrapJob, brokerFilter, brokerIngress, anyPod, system, functionPod('chat')]) {
        for (const port of [QUEUE_PROXY_PORT, containerPort(fn)]) {
          expect(admits(objects(), sender, functionPod(fn), port), `${JSON.stringify(sender.labels)} → ${fn}`).toBe(
            false,
          );
        }
      }
    }
  });

  it('keep MongoDB and Ollama to the pods of zerochat', () => {
    const mongodb = inZerochat(find('StatefulSet', 'mongodb').spec.template.metadata.labels);
    const ollama = inZerochat(find('StatefulSet', 'ollama').spec.template.metadata.labels);
    for (const fn of FUNCTIONS) {
      expect(admits(objects(), functionPod(fn), mongodb, 27017), fn).toBe(true);
      expect(admits(objects(), functionPod(fn), ollama, 11434), fn).toBe(true);
    }
    for (const outsider of [kourierGateway(), activator, prometheus]) {
      expect(admits(objects(), outsider, mongodb, 27017)).toBe(false);
      expect(admits(objects(), outsider, ollama, 11434)).toBe(false);
    }
  });
});
