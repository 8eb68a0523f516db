import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type KubernetesObject as ClientObject,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  downloadModule,
  ensureControlPlane,
  type KubernetesApiServer,
  startKubernetesApiServer,
} from '@zerochat/local-services';
import { afterAll, beforeAll } from 'vitest';
import { KNATIVE_EVENTING_MODULE, KNATIVE_SERVING_MODULE } from './knative-modules.ts';
import { type KubernetesObject, parseObjects } from './kustomize.ts';
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

/** The field manager zerochat's manifests are applied with, as `kubectl apply --server-side` would. */
export const FIELD_MANAGER = 'zerochat-test';

/** The CRDs of CRD_SOURCES, read from the module folders in Go's module cache. */
export async function operatorCrds(): Promise<KubernetesObject[]> {
  const crds: KubernetesObject[] = [];
  for (const { module, folder } of CRD_SOURCES) {
    const dir = join(await downloadModule(module), folder);
    for (const file of (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort()) {
      crds.push(...parseObjects(await readFile(join(dir, file), 'utf8')));
    }
  }
  return crds.filter((object) => object.kind === 'CustomResourceDefinition');
}

/** A refusal of the API server: its HTTP status and its Status message. */
export class ApiRefusal extends Error {
  override readonly name = 'ApiRefusal';
  readonly code: number;
  constructor(code: number, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * Server-side apply as `kubectl apply --server-side --validate=strict` does it: the object is
 * sent as written, and the API server refuses a field its schema does not have
 * (fieldValidation=Strict) instead of dropping it. client-node's own patch() first passes
 * objects through its typed models, which drop the fields they do not know (a misspelt one,
 * a CRD's x-kubernetes-*) before the server could see them; this uses its discovery, URLs,
 * TLS and authentication, and sends and returns the JSON untouched.
 */
class StrictApplier extends KubernetesObjectApi {
  async apply(object: ClientObject): Promise<ClientObject> {
    return this.send(object, 'patch', JSON.stringify(object), {
      fieldManager: FIELD_MANAGER,
      force: 'true',
      fieldValidation: 'Strict',
    });
  }

  async get(object: ClientObject): Promise<ClientObject> {
    return this.send(object, 'read');
  }

  /** Deletes in the background: a Job's default (orphan) would wait for a garbage collector that does not run here. */
  async remove(object: ClientObject): Promise<void> {
    await this.send(object, 'delete', undefined, { propagationPolicy: 'Background' });
  }

  private async send(
    object: ClientObject,
    action: 'patch' | 'read' | 'delete',
    body?: string,
    query: Record<string, string> = {},
  ): Promise<ClientObject> {
    const path = await this.specUriPath(structuredClone(object), action);
    const request = this.configuration.baseServer.makeRequestContext(
      path,
      { patch: HttpMethod.PATCH, read: HttpMethod.GET, delete: HttpMethod.DELETE }[action],
    );
    for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
    request.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
      request.setBody(body);
    }
    await this.configuration.authMethods.default?.applySecurityAuthentication(request);
    const response = await this.configuration.httpApi.send(request).toPromise();
    const answer = JSON.parse(await response.body.text()) as ClientObject & { message?: string };
    if (response.httpStatusCode >= 300) throw new ApiRefusal(response.httpStatusCode, answer.message ?? '');
    return answer;
  }
}

export function strictApplier(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(StrictApplier);
  return {
    /** Applies one object; resolves to the object as the API server stored it. */
    apply: <T extends ClientObject>(object: T) => api.apply(object) as Promise<T>,
    /** Reads the stored object back, as JSON. */
    read: <T extends ClientObject>(object: T) => api.get(object) as Promise<T>,
    /** Deletes it; resolves false when there was nothing to delete. */
    remove: (object: ClientObject) =>
      api.remove(object).then(
        () => true,
        (error) => {
          if (error instanceof ApiRefusal && error.code === 404) return false;
          throw error;
        },
      ),
  };
}

export interface TestKubernetes {
  readonly server: KubernetesApiServer;
  /** The admin (system:masters) kubeconfig. */
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigFile: string;
  apply<T extends ClientObject>(object: T): Promise<T>;
  read<T extends ClientObject>(object: T): Promise<T>;
  remove(object: ClientObject): Promise<boolean>;
}

/**
 * A real kube-apiserver (and etcd) for the calling test file, with the CRDs of CRD_SOURCES
 * installed and established; stopped when the file is done. Call at the top level of a file;
 * only the files that call it start one. No Knative, Kong or Prometheus controller and no
 * admission webhook runs: objects are stored as applied and nothing reconciles them.
 */
export function useKubernetesApiServer(): TestKubernetes {
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
    const crds = await operatorCrds();
    await Promise.all(crds.map((crd) => applier?.apply(crd as ClientObject)));
    await Promise.all(crds.map((crd) => established(crd.metadata.name)));
    report(`${crds.length} CRDs established after ${seconds()} s`);
  }, 600_000);
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
  };
}
