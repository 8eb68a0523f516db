import { type KongDeclarativeConfig, kongYamlDigest, toKongYaml } from '@zerochat/kong';
import { DependencyError, describeFailure } from '../bootstrap/failure.ts';
import type { KubernetesAccess } from '../status/knative-services.ts';
import { expectedDigest } from './kong-sync.ts';

/**
 * The file a DB-less Kong loads when it starts (on Kubernetes the `kong.yaml` of a ConfigMap
 * mounted at KONG_DECLARATIVE_CONFIG). Kept holding the config posted to the running Kong, so a
 * Kong that restarts knows the current signing keys at once.
 */
export interface StartConfigStore {
  /** Where it is, for reports: `ConfigMap zerochat/kong-declarative`. */
  readonly where: string;
  /** The file's text; undefined when the ConfigMap or its key is missing. */
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** The key of the start-up config in its ConfigMap, the file name Kong's volume shows. */
export const START_CONFIG_KEY = 'kong.yaml';

const HEADER = [
  "Kong's start-up config (kong-declarative ConfigMap), with one jwt credential per public key.",
  'Written by `npm run kube:secrets` and `npm run kube:deploy`, and by the admin function when',
  'its keys change; never edit.',
];

/** The start-up config in a ConfigMap, through `@kubernetes/client-node` (loaded on first use). */
export function kubernetesStartConfigStore(
  access: KubernetesAccess,
  namespace: string,
  name: string,
): StartConfigStore | undefined {
  if (!access.kubeconfig && !access.inCluster) return undefined;
  const where = `ConfigMap ${namespace}/${name}`;
  const api = async () => {
    const k8s = await import('@kubernetes/client-node');
    const kubeConfig = new k8s.KubeConfig();
    if (access.kubeconfig) kubeConfig.loadFromFile(access.kubeconfig);
    else kubeConfig.loadFromCluster();
    return { k8s, core: kubeConfig.makeApiClient(k8s.CoreV1Api) };
  };
  // client-node's ApiException carries the HTTP status as `code`.
  const failure = (action: string, error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const why = typeof code === 'number' ? `the API server answered ${code}` : describeFailure(error);
    return new DependencyError(`${action} ${where}: ${why}`, { cause: error });
  };
  return {
    where,
    async read() {
      const { core } = await api();
      try {
        return (await core.readNamespacedConfigMap({ name, namespace })).data?.[START_CONFIG_KEY];
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw failure('reading', error);
      }
    },
    async write(text) {
      const { k8s, core } = await api();
      try {
        // A merge patch of the one key: whatever else the ConfigMap holds stays.
        await core.patchNamespacedConfigMap(
          { name, namespace, body: { data: { [START_CONFIG_KEY]: text } } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        );
      } catch (error) {
        throw failure('writing', error);
      }
    },
  };
}

/**
 * Makes the start-up config hold `config`, judged by its digest tag (the text may differ: it
 * is also rendered by `kube:secrets`). Returns whether it wrote.
 */
export async function syncStartConfig(store: StartConfigStore, config: KongDeclarativeConfig): Promise<boolean> {
  const current = await store.read();
  if (current !== undefined && kongYamlDigest(current) === expectedDigest(config)) return false;
  await store.write(toKongYaml(config, HEADER));
  return true;
}
