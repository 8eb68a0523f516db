import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type KubernetesObject as ClientObject, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  downloadModule,
  ensureControlPlane,
  type KubernetesApiServer,
  startKubernetesApiServer,
} from '@zerochat/local-services';
import { afterAll, beforeAll } from 'vitest';
import { KNATIVE_EVENTING_MODULE, KNATIVE_SERVING_MODULE } from './knative-modules.ts';
import { type KubernetesObject, parseObjects } from './kustomize.ts';
import { strictApplier } from './strict-apply.ts';
import { testServices } from './test-services.ts';

/**
 * The Go modules whose CRDs the test API server installs: Knative Serving and Eventing of the
 * release kub-setup.sh installs, and the Prometheus operator of the MicroK8s observability add-on's line (kube-prometheus-stack
 * 76.4.1; v0.85.0 is the release of that line on the Go module proxy).
 */
export const CRD_SOURCES = [
  { module: KNATIVE_SERVING_MODULE, folder: 'config/core/300-resources' },
  { module: KNATIVE_EVENTING_MODULE, folder: 'config/core/resources' },
  { module: 'github.com/prometheus-operator/prometheus-operator@v0.85.0', folder: 'example/prometheus-operator-crd' },
] as const;

/**
 * The first build of etcd and kube-apiserver takes minutes, more beside the rest of the suite on
 * two cores; once cached, the API server is ready in seconds.
 */
const FIRST_BUILD_MS = 30 * 60_000;

export type CrdSource = (typeof CRD_SOURCES)[number];

/** The CRDs of CRD_SOURCES, read from the module folders in Go's module cache. */
export async function operatorCrds(sources: readonly CrdSource[] = CRD_SOURCES): Promise<KubernetesObject[]> {
  const crds: KubernetesObject[] = [];
  for (const { module, folder } of sources) {
    const dir = join(await downloadModule(module), folder);
    for (const file of (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort()) {
      crds.push(...parseObjects(await readFile(join(dir, file), 'utf8')));
    }
  }
  return crds.filter((object) => object.kind === 'CustomResourceDefinition');
}

export interface TestKubernetes {
  readonly server: KubernetesApiServer;
  /** The admin (system:masters) kubeconfig. */
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigFile: string;
  apply<T extends ClientObject>(object: T): Promise<T>;
  read<T extends ClientObject>(object: T): Promise<T>;
  remove(object: ClientObject): Promise<boolean>;
  /** Applies the object, then writes its `status` through the status subresource. */
  applyWithStatus<T extends ClientObject & { status?: unknown }>(object: T): Promise<T>;
  /**
   * A token the API server issues for a ServiceAccount (which must exist) through TokenRequest,
   * valid for an hour, for `audiences` (the API server's own when none are given).
   */
  serviceAccountToken(serviceAccount: string, namespace: string, audiences?: string[]): Promise<string>;
  /** A kubeconfig file that acts as that ServiceAccount: it may do what RBAC grants it. */
  serviceAccountKubeconfig(serviceAccount: string, namespace: string): Promise<string>;
}

/**
 * A real kube-apiserver (and etcd) for the calling test file, with the CRDs of CRD_SOURCES
 * installed and established; stopped when the file is done. Call at the top level of a file;
 * only the files that call it start one. No Knative, Kong or Prometheus controller and no
 * admission webhook runs: objects are stored as applied and nothing reconciles them.
 */
export function useKubernetesApiServer(options: { crds?: readonly CrdSource[] } = {}): TestKubernetes {
  const { cacheDir, registryDir } = testServices();
  let server: KubernetesApiServer | undefined;
  let dataDir: string | undefined;
  let kubeConfig: KubeConfig | undefined;
  let kubeconfigFile: string | undefined;
  let applier: ReturnType<typeof strictApplier> | undefined;

  beforeAll(async () => {
    const report = (line: string) => process.stdout.write(`[control-plane] ${line}\n`);
    const binary = await ensureControlPlane({ cacheDir, report });
    dataDir = await mkdtemp(join(testServices().scratchDir, 'kubernetes-'));
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    server = await startKubernetesApiServer({ binary, dataDir, registryDir });
    report(`etcd and kube-apiserver ready at ${server.url} in ${seconds()} s`);
    kubeconfigFile = await server.kubeconfig();
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    applier = strictApplier(kubeConfig);
    const crds = await operatorCrds(options.crds);
    await Promise.all(crds.map((crd) => applier?.apply(crd as ClientObject)));
    await Promise.all(crds.map((crd) => established(crd.metadata.name)));
    report(`${crds.length} CRDs established after ${seconds()} s`);
  }, FIRST_BUILD_MS);
  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const established = async (name: string) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const crd = (await applier?.read({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name },
      })) as { status?: { conditions?: { type: string; status: string }[] } };
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`CRD ${name} was not established`);
  };
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('the test API server is not started: call useKubernetesApiServer() at the top level');
    return value;
  };

  const serviceAccountToken = async (serviceAccount: string, namespace: string, audiences?: string[]) => {
    const core = ready(kubeConfig).makeApiClient(CoreV1Api);
    const { status } = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace,
      body: { spec: { ...(audiences ? { audiences } : {}), expirationSeconds: 3600 } },
    });
    if (!status?.token) throw new Error(`the API server issued no token for ${namespace}/${serviceAccount}`);
    return status.token;
  };

  return {
    get server() {
      return ready(server);
    },
    get kubeConfig() {
      return ready(kubeConfig);
    },
    get kubeconfigFile() {
      return ready(kubeconfigFile);
    },
    apply: (object) => ready(applier).apply(object),
    read: (object) => ready(applier).read(object),
    remove: (object) => ready(applier).remove(object),
    async applyWithStatus(object) {
      const { status, ...spec } = object;
      await ready(applier).apply(spec as ClientObject);
      return (await ready(applier).applyStatus({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace },
        status,
      } as ClientObject)) as typeof object;
    },
    serviceAccountToken,
    async serviceAccountKubeconfig(serviceAccount, namespace) {
      const token = await serviceAccountToken(serviceAccount, namespace);
      return ready(server).kubeconfig({ token, namespace, name: `${namespace}-${serviceAccount}` });
    },
  };
}
