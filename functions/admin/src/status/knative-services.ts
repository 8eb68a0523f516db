import { z } from 'zod';
import { DependencyError } from '../bootstrap/failure.ts';

/**
 * Reads Knative Serving objects of a namespace (services.serving.knative.dev and revisions)
 * and the pods of their revisions.
 */
export interface KnativeApi {
  listServices(namespace: string): Promise<unknown[]>;
  listRevisions(namespace: string): Promise<unknown[]>;
  /** The pods of Knative services (labelled serving.knative.dev/service). */
  listPods(namespace: string): Promise<unknown[]>;
}

/** The label Knative Serving puts on every pod of a service's revisions. */
const SERVICE_LABEL = 'serving.knative.dev/service';
const REVISION_LABEL = 'serving.knative.dev/revision';

export interface KubernetesAccess {
  /** A kubeconfig file (KUBECONFIG); else the pod's service account, when in a cluster. */
  kubeconfig?: string | undefined;
  inCluster: boolean;
}

/**
 * The Kubernetes API through `@kubernetes/client-node`, loaded on first use only: it is a
 * large module, and only /admin/status in a cluster needs it. Undefined when there is no
 * cluster to ask (neither in one nor given a kubeconfig).
 */
export function kubernetesKnativeApi(access: KubernetesAccess): KnativeApi | undefined {
  if (!access.kubeconfig && !access.inCluster) return undefined;
  type Clients = {
    customObjects: import('@kubernetes/client-node').CustomObjectsApi;
    core: import('@kubernetes/client-node').CoreV1Api;
  };
  let clients: Promise<Clients> | undefined;
  const connect = () => {
    clients ??= import('@kubernetes/client-node').then((k8s) => {
      const kubeConfig = new k8s.KubeConfig();
      if (access.kubeconfig) kubeConfig.loadFromFile(access.kubeconfig);
      else kubeConfig.loadFromCluster();
      return {
        customObjects: kubeConfig.makeApiClient(k8s.CustomObjectsApi),
        core: kubeConfig.makeApiClient(k8s.CoreV1Api),
      };
    });
    clients.catch(() => {
      clients = undefined;
    });
    return clients;
  };
  const list = async (namespace: string, plural: string) => {
    const { customObjects } = await connect();
    const answer = (await customObjects
      .listNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace, plural })
      .catch(refusal)) as { items?: unknown[] };
    return answer.items ?? [];
  };
  return {
    listServices: (namespace) => list(namespace, 'services'),
    listRevisions: (namespace) => list(namespace, 'revisions'),
    listPods: async (namespace) => {
      const { core } = await connect();
      return (await core.listNamespacedPod({ namespace, labelSelector: SERVICE_LABEL }).catch(refusal)).items;
    },
  };
}

/** The API server's answer (e.g. 403 Forbidden: RBAC) in a few words, without its details. */
function refusal(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'number') throw error;
  let reason = '';
  try {
    reason = (JSON.parse(String((error as { body?: unknown }).body)) as { reason?: string }).reason ?? '';
  } catch {
    // Not a Kubernetes Status: the code says enough.
  }
  throw new DependencyError(`Kubernetes API answered ${code}${reason ? ` ${reason}` : ''}`);
}

const Condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

const KnativeService = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  status: z
    .looseObject({
      url: z.string().optional(),
      latestCreatedRevisionName: z.string().optional(),
      latestReadyRevisionName: z.string().optional(),
      conditions: z.array(Condition).optional(),
    })
    .optional(),
});

const Pod = z.looseObject({
  metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      containerStatuses: z
        .array(
          z.looseObject({
            ready: z.boolean(),
            restartCount: z.number(),
            state: z.looseObject({ waiting: z.looseObject({ reason: z.string().optional() }).optional() }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export interface KnativePodStatus {
  name: string;
  revision: string | null;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  /** Every container ready. */
  ready: boolean;
  restarts: number;
  /** Why a container waits (ImagePullBackOff, CrashLoopBackOff, ...), if one does. */
  waiting: string | null;
}

const Revision = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  status: z.looseObject({ actualReplicas: z.number().optional(), desiredReplicas: z.number().optional() }).optional(),
});

export interface KnativeServiceStatus {
  name: string;
  ready: boolean;
  /** Why it is not ready, as Knative says. */
  reason: string | null;
  url: string | null;
  latestCreatedRevision: string | null;
  latestReadyRevision: string | null;
  /** Of the latest ready revision: 0 and 0 when scaled to zero. */
  desiredReplicas: number | null;
  actualReplicas: number | null;
  /** Its pods, of every revision: a function scaled to zero has none. */
  pods: KnativePodStatus[];
}

function summarisePods(pods: unknown[]): Map<string, KnativePodStatus[]> {
  const byService = new Map<string, KnativePodStatus[]>();
  for (const object of pods) {
    const parsed = Pod.safeParse(object);
    const service = parsed.data?.metadata.labels?.[SERVICE_LABEL];
    if (!parsed.success || !service) continue;
    const { metadata, status } = parsed.data;
    const containers = status?.containerStatuses ?? [];
    const waiting = containers.find((container) => container.state?.waiting)?.state?.waiting?.reason;
    byService.set(service, [
      ...(byService.get(service) ?? []),
      {
        name: metadata.name,
        revision: metadata.labels?.[REVISION_LABEL] ?? null,
        phase: status?.phase ?? 'Unknown',
        ready: containers.length > 0 && containers.every((container) => container.ready),
        restarts: containers.reduce((sum, container) => sum + container.restartCount, 0),
        waiting: waiting ?? null,
      },
    ]);
  }
  return byService;
}

/** One line per Knative service, from the Service objects, their revisions and their pods. */
export function summariseServices(
  services: unknown[],
  revisions: unknown[],
  pods: unknown[] = [],
): KnativeServiceStatus[] {
  const podsOf = summarisePods(pods);
  const replicas = new Map<string, z.output<typeof Revision>['status']>();
  for (const object of revisions) {
    const revision = Revision.safeParse(object);
    if (revision.success) replicas.set(revision.data.metadata.name, revision.data.status);
  }
  return services
    .flatMap((object) => {
      const parsed = KnativeService.safeParse(object);
      return parsed.success ? [parsed.data] : [];
    })
    .map(({ metadata, status }) => {
      const ready = status?.conditions?.find((condition) => condition.type === 'Ready');
      const latestReady = status?.latestReadyRevisionName ?? null;
      const revision = latestReady ? replicas.get(latestReady) : undefined;
      return {
        name: metadata.name,
        ready: ready?.status === 'True',
        reason: ready?.status === 'True' ? null : (ready?.message ?? ready?.reason ?? 'no Ready condition yet'),
        url: status?.url ?? null,
        latestCreatedRevision: status?.latestCreatedRevisionName ?? null,
        latestReadyRevision: latestReady,
        desiredReplicas: revision?.desiredReplicas ?? null,
        actualReplicas: revision?.actualReplicas ?? null,
        pods: (podsOf.get(metadata.name) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
