import type { PodSnapshot } from './pod-milestones.ts';

/** What the Knative benchmark needs from the cluster; tests pass recorded objects instead. */
export interface Cluster {
  listPods(namespace: string, labelSelector: string): Promise<PodSnapshot[]>;
  /** Calls `onPod` for every pod event with the local time it arrived; resolves to a stop function. */
  watchPods(
    namespace: string,
    labelSelector: string,
    onPod: (pod: PodSnapshot, observedAt: number) => void,
  ): Promise<() => void>;
  /** The value of an annotation on the Knative Service's revision template, if set. */
  templateAnnotation(namespace: string, service: string, key: string): Promise<string | undefined>;
  /** Sets (or with null removes) an annotation on the revision template: a new revision rolls out. */
  setTemplateAnnotation(namespace: string, service: string, key: string, value: string | null): Promise<void>;
}

/** The cluster of the current kubeconfig context (or the in-cluster service account). */
export async function connectCluster(): Promise<Cluster> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  const core = config.makeApiClient(k8s.CoreV1Api);
  const custom = config.makeApiClient(k8s.CustomObjectsApi);
  const service = { group: 'serving.knative.dev', version: 'v1', plural: 'services' };
  type KnativeService = { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };

  return {
    async listPods(namespace, labelSelector) {
      return (await core.listNamespacedPod({ namespace, labelSelector })).items;
    },
    async watchPods(namespace, labelSelector, onPod) {
      const watch = new k8s.Watch(config);
      const controller = await watch.watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector },
        (_type, pod: PodSnapshot) => onPod(pod, performance.now()),
        () => undefined,
      );
      return () => controller.abort();
    },
    async templateAnnotation(namespace, name, key) {
      const object = (await custom.getNamespacedCustomObject({ ...service, namespace, name })) as KnativeService;
      return object.spec?.template?.metadata?.annotations?.[key];
    },
    async setTemplateAnnotation(namespace, name, key, value) {
      await custom.patchNamespacedCustomObject(
        { ...service, namespace, name, body: { spec: { template: { metadata: { annotations: { [key]: value } } } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    },
  };
}
