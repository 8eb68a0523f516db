// STAND-INS for Knative in a cluster, for tests: Kubernetes cannot run on these machines.
// `knativeObjects()` are Service and Revision objects in Knative Serving's v1 format, as the
// API server returns them for zerochat's three functions (one ready and scaled to zero, one
// ready with two pods, one whose latest revision failed); `startKubernetesApiStandIn()`
// serves them over HTTP the way the Kubernetes API does, for `@kubernetes/client-node`.
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NAMESPACE = 'zerochat';
const condition = (type: string, status: 'True' | 'False' | 'Unknown', extra: object = {}) => ({
  type,
  status,
  lastTransitionTime: '2026-11-26T10:00:00Z',
  ...extra,
});

function service(name: string, ready: boolean, created: string, latestReady: string) {
  const failed = {
    reason: 'RevisionFailed',
    message: `Revision "${created}" failed with message: back-off pulling image.`,
  };
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE, generation: 2 },
    spec: { template: { spec: { containers: [{ name, image: `localhost:32000/zerochat/${name}@sha256:0a1b` }] } } },
    status: {
      observedGeneration: 2,
      url: `http://${name}.${NAMESPACE}.svc.cluster.local`,
      address: { url: `http://${name}.${NAMESPACE}.svc.cluster.local` },
      latestCreatedRevisionName: created,
      latestReadyRevisionName: latestReady,
      traffic: [{ revisionName: latestReady, latestRevision: true, percent: 100 }],
      conditions: ready
        ? [condition('ConfigurationsReady', 'True'), condition('Ready', 'True'), condition('RoutesReady', 'True')]
        : [
            condition('ConfigurationsReady', 'False', failed),
            condition('Ready', 'False', failed),
            condition('RoutesReady', 'True'),
          ],
    },
  };
}

function revision(name: string, service: string, desiredReplicas: number, actualReplicas: number) {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: { name, namespace: NAMESPACE, labels: { 'serving.knative.dev/service': service } },
    spec: { containers: [{ name: service, image: `localhost:32000/zerochat/${service}@sha256:0a1b` }] },
    status: { observedGeneration: 1, actualReplicas, desiredReplicas, conditions: [condition('Ready', 'True')] },
  };
}

export function knativeObjects(): { services: object[]; revisions: object[] } {
  return {
    services: [
      service('chat', true, 'chat-00002', 'chat-00002'),
      service('auth', true, 'auth-00001', 'auth-00001'),
      service('admin', false, 'admin-00002', 'admin-00001'),
    ],
    revisions: [
      revision('auth-00001', 'auth', 0, 0),
      revision('chat-00001', 'chat', 0, 0),
      revision('chat-00002', 'chat', 2, 2),
      revision('admin-00001', 'admin', 1, 1),
    ],
  };
}

export interface KubernetesApiStandIn {
  /** A kubeconfig file that points at the stand-in with a bearer token. */
  kubeconfig: string;
  /** Request paths, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/** The Knative Serving part of the Kubernetes API, on 127.0.0.1, for one namespace. */
export async function startKubernetesApiStandIn(): Promise<KubernetesApiStandIn> {
  const { services, revisions } = knativeObjects();
  const token = 'stand-in-token';
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const send = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) {
      send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
      return;
    }
    const match = /^\/apis\/serving\.knative\.dev\/v1\/namespaces\/([^/]+)\/(services|revisions)$/.exec(
      new URL(request.url ?? '/', 'http://k8s').pathname,
    );
    if (!match || match[1] !== NAMESPACE) {
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      return;
    }
    const kind = match[2] === 'services' ? 'ServiceList' : 'RevisionList';
    send(200, {
      apiVersion: 'serving.knative.dev/v1',
      kind,
      metadata: { resourceVersion: '4242' },
      items: match[2] === 'services' ? services : revisions,
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const kubeconfig = await writeStandInKubeconfig(port, token);
  return {
    kubeconfig,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kubeconfig file for a Kubernetes API stand-in on 127.0.0.1:`port` that takes `token`. */
export async function writeStandInKubeconfig(port: number, token: string): Promise<string> {
  const kubeconfig = join(await mkdtemp(join(tmpdir(), 'zerochat-kubeconfig-')), 'config');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
  - name: stand-in
    cluster:
      server: http://127.0.0.1:${port}
      # client-node refuses plain HTTP otherwise; the stand-in has no TLS.
      insecure-skip-tls-verify: true
contexts:
  - name: stand-in
    context:
      cluster: stand-in
      user: stand-in
      namespace: ${NAMESPACE}
current-context: stand-in
users:
  - name: stand-in
    user:
      token: ${token}
`,
  );
  return kubeconfig;
}
