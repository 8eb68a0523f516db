import { z } from 'zod';

/** Reads Knative Serving objects of a namespace (services.serving.knative.dev and revisions). */
export interface KnativeApi {
  listServices(namespace: string): Promise<unknown[]>;
  listRevisions(namespace: string): Promise<unknown[]>;
}

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
  let client: Promise<import('@kubernetes/client-node').CustomObjectsApi> | undefined;
  const customObjects = () => {
    client ??= import('@kubernetes/client-node').then((k8s) => {
      const kubeConfig = new k8s.KubeConfig();
      if (access.kubeconfig) kubeConfig.loadFromFile(access.kubeconfig);
      else kubeConfig.loadFromCluster();
      return kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    });
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  const list = async (namespace: string, plural: string) => {
    const answer = (await (
      await customObjects()
    ).listNamespacedCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      namespace,
      plural,
    })) as { items?: unknown[] };
    return answer.items ?? [];
  };
  return {
    listServices: (namespace) => list(namespace, 'services'),
    listRevisions: (namespace) => list(namespace, 'revisions'),
  };
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
}

/** One line per Knative service, from the Service objects and their revisions. */
export function summariseServices(services: unknown[], revisions: unknown[]): KnativeServiceStatus[] {
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
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
