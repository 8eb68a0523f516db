// The objects a cluster holds for zerochat's three functions, with the status Knative's
// controllers and the kubelet would write (none runs in tests): Service and Revision objects in
// Knative Serving's v1 format and the pods of the revisions. auth is ready and scaled to zero,
// chat ready with two pods, admin's latest revision failed (its pod cannot pull its image) while
// the one before still serves. status/knative-status.test.ts creates them in the real test
// kube-apiserver (status through the status subresource); routes/status.test.ts hands them to
// the status route directly.

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

function pod(name: string, revision: string, state: 'running' | 'image-pull-back-off', restarts = 0) {
  const service = revision.replace(/-\d+$/, '');
  const image = `localhost:32000/zerochat/${service}@sha256:0a1b`;
  const running = state === 'running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { 'serving.knative.dev/service': service, 'serving.knative.dev/revision': revision },
    },
    // The function's own ServiceAccount, which mounts no token (knative/base/rbac.yaml).
    spec: {
      serviceAccountName: 'zerochat-function',
      automountServiceAccountToken: false,
      containers: [{ name: service, image }],
    },
    status: {
      phase: running ? 'Running' : 'Pending',
      containerStatuses: [
        {
          name: service,
          image,
          imageID: '',
          ready: running,
          restartCount: restarts,
          state: running
            ? { running: { startedAt: '2026-11-26T10:00:00Z' } }
            : { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
        },
      ],
    },
  };
}

export function knativeObjects(): { services: object[]; revisions: object[]; pods: object[] } {
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
    pods: [
      pod('chat-00002-deployment-7c9d5-abcde', 'chat-00002', 'running'),
      pod('chat-00002-deployment-7c9d5-fghij', 'chat-00002', 'running', 1),
      pod('admin-00001-deployment-5f6b7-aaaaa', 'admin-00001', 'running'),
      pod('admin-00002-deployment-6a7c8-bbbbb', 'admin-00002', 'image-pull-back-off'),
    ],
  };
}
