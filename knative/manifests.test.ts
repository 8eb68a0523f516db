import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KNATIVE_NAMESPACE, KongDeclarativeConfigSchema } from '@zerochat/kong';
import { parseConfig } from '@zerochat/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adminConfigSchema } from '../functions/admin/src/config.ts';
import { authConfigSchema } from '../functions/auth/src/config.ts';
import { chatConfigSchema } from '../functions/chat/src/config.ts';
import { webConfigSchema } from '../functions/web/src/config.ts';
import { documentedVariables, requiredVariables } from '../test/support/env-documentation.ts';
import { schemaErrors, unknownFields } from '../test/support/kubernetes-schemas.ts';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from '../test/support/kustomize.ts';

// Every overlay is rendered with kustomize v5 from a copy of knative/ whose secret env files
// are their .example twins, then checked object by object.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, checked field by field below
type Json = Record<string, any>;

const OVERLAYS = ['microk8s', 'cluster', 'microk8s-gpu'] as const;
const rendered: Record<string, KubernetesObject[]> = {};
let cleanup = async () => {};

beforeAll(async () => {
  const kustomize = await findKustomize();
  const copy = await knativeCopy();
  cleanup = copy.cleanup;
  // The GPU variant: the microk8s overlay plus the ollama-gpu component.
  const gpu = join(copy.root, 'knative/overlays/microk8s-gpu');
  await mkdir(gpu);
  await writeFile(
    join(gpu, 'kustomization.yaml'),
    'resources: [../microk8s]\ncomponents: [../../components/ollama-gpu]\n',
  );
  for (const overlay of OVERLAYS) {
    rendered[overlay] = parseObjects(await kustomize(join(copy.root, 'knative/overlays', overlay)));
  }
}, 300_000);
afterAll(() => cleanup());

const objects = (overlay = 'microk8s') => rendered[overlay] ?? [];
const find = (kind: string, name: string, overlay = 'microk8s') =>
  objects(overlay).find((object) => object.kind === kind && object.metadata.name === name) as Json | undefined;
const FUNCTIONS = ['auth', 'chat', 'admin', 'web'] as const;

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  it('renders', () => {
    expect(objects(overlay).length).toBeGreaterThan(25);
  });

  it('validates every object against its schema (core, Serving, Eventing, Sources)', async () => {
    const errors = await Promise.all(
      objects(overlay).map(async (object) =>
        (await schemaErrors(object)).map((error) => `${object.kind}/${object.metadata.name}: ${error}`),
      ),
    );
    expect(errors.flat()).toEqual([]);
  });

  it('has no field its schema does not know', () => {
    const unknown = objects(overlay).flatMap((object) =>
      unknownFields(object).map((path) => `${object.kind}/${object.metadata.name}${path}`),
    );
    expect(unknown).toEqual([]);
  });

  it(`puts everything into the ${KNATIVE_NAMESPACE} namespace`, () => {
    for (const object of objects(overlay)) {
      if (object.kind === 'Namespace') expect(object.metadata.name).toBe(KNATIVE_NAMESPACE);
      else expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(KNATIVE_NAMESPACE);
    }
  });

  it('references only ConfigMaps, Secrets, keys and service accounts that it creates', () => {
    const data = (kind: string, name: string) => {
      const object = find(kind, name, overlay);
      return object ? { ...(object.data ?? {}), ...(object.stringData ?? {}) } : undefined;
    };
    const missing: string[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (!value || typeof value !== 'object') return;
      const node = value as Json;
      if (node.configMapRef)
        data('ConfigMap', node.configMapRef.name) ?? missing.push(`ConfigMap ${node.configMapRef.name}`);
      if (node.secretRef) data('Secret', node.secretRef.name) ?? missing.push(`Secret ${node.secretRef.name}`);
      if (node.secretKeyRef && !(node.secretKeyRef.key in (data('Secret', node.secretKeyRef.name) ?? {}))) {
        missing.push(`Secret ${node.secretKeyRef.name} key ${node.secretKeyRef.key}`);
      }
      if (node.configMap?.name)
        data('ConfigMap', node.configMap.name) ?? missing.push(`ConfigMap ${node.configMap.name}`);
      if (typeof node.serviceAccountName === 'string' && !find('ServiceAccount', node.serviceAccountName, overlay)) {
        missing.push(`ServiceAccount ${node.serviceAccountName}`);
      }
      for (const item of Object.values(node)) visit(item);
    };
    for (const object of objects(overlay)) visit(object);
    expect(missing).toEqual([]);
  });

  it('pins every third-party image to a version', () => {
    const images = JSON.stringify(objects(overlay)).match(/"image":"[^"]+"/g) ?? [];
    const thirdParty = images.filter((image) => !image.includes('/zerochat/') && !image.includes('zerochat-'));
    expect(thirdParty.length).toBeGreaterThan(0);
    for (const image of thirdParty) expect(image).toMatch(/:[0-9][\w.-]*"$/);
  });
});

describe.each(FUNCTIONS)('the Knative service %s', (fn) => {
  const service = () => find('Service', fn) as Json;
  const template = () => service().spec.template;
  const container = () => template().spec.containers[0];

  it('is a Knative service that scales to zero, with a sensible ceiling and target', () => {
    expect(service().apiVersion).toBe('serving.knative.dev/v1');
    const annotations = template().metadata.annotations;
    expect(annotations['autoscaling.knative.dev/min-scale']).toBe('0');
    expect(Number(annotations['autoscaling.knative.dev/max-scale'])).toBeGreaterThanOrEqual(1);
    expect(Number(annotations['autoscaling.knative.dev/target'])).toBeLessThanOrEqual(
      template().spec.containerConcurrency,
    );
  });

  it('is reachable inside the cluster only (Kong is the way in)', () => {
    expect(service().metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
  });

  it('probes /readyz for readiness and /healthz for liveness on the container port', () => {
    const port = container().ports[0];
    expect(port).toEqual({ name: 'http1', containerPort: 8080 });
    expect(container().readinessProbe.httpGet).toEqual({ path: '/readyz', port: port.containerPort });
    expect(container().livenessProbe.httpGet).toEqual({ path: '/healthz', port: port.containerPort });
  });

  it('names its container, limits its resources and runs without privileges or service links', () => {
    expect(container().name).toBe(fn);
    expect(container().resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container().resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container().securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(template().spec.enableServiceLinks).toBe(false);
  });

  it('runs the image from MicroK8s registry', () => {
    expect(container().image).toBe(`localhost:32000/zerochat/${fn}:latest`);
  });

  /** The environment the container gets, with the Secrets decoded. */
  const environment = () => {
    const values = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> => {
      const data: Record<string, string> = find(kind, name)?.data ?? {};
      return kind === 'Secret'
        ? Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]))
        : data;
    };
    const env: Record<string, string> = {};
    for (const source of container().envFrom) {
      Object.assign(
        env,
        source.configMapRef ? values('ConfigMap', source.configMapRef.name) : values('Secret', source.secretRef.name),
      );
    }
    for (const variable of container().env ?? []) {
      const reference = variable.valueFrom?.secretKeyRef;
      env[variable.name] = reference ? (values('Secret', reference.name)[reference.key] ?? '') : variable.value;
    }
    return env;
  };
  const schema = { auth: authConfigSchema, chat: chatConfigSchema, admin: adminConfigSchema, web: webConfigSchema }[fn];

  it('gets every variable its config requires, with values its config accepts', () => {
    const env = environment();
    expect(requiredVariables(schema).filter((variable) => !(variable in env))).toEqual([]);
    expect(() => parseConfig(schema, env)).not.toThrow();
  });

  it('gets only variables that .env.example documents', async () => {
    const documented = await documentedVariables();
    expect(Object.keys(environment()).filter((variable) => !documented.has(variable))).toEqual([]);
  });
});

describe('timeouts and concurrency for streaming and cold starts', () => {
  const spec = (fn: string) => (find('Service', fn) as Json).spec.template.spec;

  it('lets chat and admin answer for 10 minutes and wait 5 for the first byte (a cold model load)', () => {
    for (const fn of ['chat', 'admin']) {
      expect(spec(fn).timeoutSeconds).toBe(600);
      expect(spec(fn).responseStartTimeoutSeconds).toBe(300);
    }
  });

  it("keeps chat's replies alive through a scale-down: its grace ends before Knative's kill, and a reply fits in it", () => {
    const chat = spec('chat');
    const env = Object.fromEntries(
      (chat.containers[0].env as Json[])
        .filter((variable) => 'value' in variable)
        .map((v) => [v.name, Number(v.value)]),
    );
    // Knative kills the pod timeoutSeconds after it starts ending it (terminationGracePeriodSeconds),
    // and the queue-proxy's pre-stop drain holds SIGTERM back until 30 s pass without a request.
    const killMs = chat.timeoutSeconds * 1000;
    const drainMs = 30_000;
    // serveFunction: the grace, then up to a tenth of it for the final saves of replies it cut.
    const shutdownMs = env.SHUTDOWN_GRACE_MS * 1.1;
    expect(drainMs + shutdownMs).toBeLessThanOrEqual(killMs);
    // A reply in progress at SIGTERM began at least drainMs before it.
    expect(env.CHAT_GENERATION_TIMEOUT_MS).toBeLessThanOrEqual(drainMs + env.SHUTDOWN_GRACE_MS);
  });

  it('answers the page quickly: web is short-lived per request and has no secrets or database', () => {
    expect(spec('web').timeoutSeconds).toBeLessThanOrEqual(60);
    const env = JSON.stringify(spec('web').containers[0]);
    expect(env).not.toMatch(/MONGODB_URI|zerochat-auth|zerochat-admin|zerochat-public-keys/);
  });

  it('takes many concurrent streams per chat instance, and admin never runs twice', () => {
    expect(spec('chat').containerConcurrency).toBeGreaterThanOrEqual(50);
    const annotations = (find('Service', 'admin') as Json).spec.template.metadata.annotations;
    expect(annotations['autoscaling.knative.dev/max-scale']).toBe('1');
  });
});

describe('RBAC', () => {
  it('lets the admin function read Knative services, revisions and pods of its namespace, and nothing more', () => {
    const role = find('Role', 'zerochat-admin-status') as Json;
    expect(role.rules).toEqual([
      { apiGroups: ['serving.knative.dev'], resources: ['services', 'revisions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = find('RoleBinding', 'zerochat-admin-status') as Json;
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'zerochat-admin', namespace: KNATIVE_NAMESPACE },
    ]);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'zerochat-admin-status',
    });
    expect(objects().filter((object) => /ClusterRole/.test(object.kind))).toEqual([]);
  });

  it('gives auth, chat and web no API token', () => {
    for (const fn of ['auth', 'chat', 'web']) {
      expect((find('Service', fn) as Json).spec.template.spec.serviceAccountName).toBe('zerochat-function');
    }
    expect((find('ServiceAccount', 'zerochat-function') as Json).automountServiceAccountToken).toBe(false);
    expect((find('Service', 'admin') as Json).spec.template.spec.serviceAccountName).toBe('zerochat-admin');
  });
});

describe('the bootstrap over Knative Eventing', () => {
  const toAdminEvents = {
    ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'admin' },
    uri: '/admin/events',
  };

  it('routes dev.zerochat.admin.bootstrap.requested from the Broker to /admin/events', () => {
    const trigger = find('Trigger', 'admin-bootstrap') as Json;
    expect(find('Broker', trigger.spec.broker)).toBeDefined();
    expect(trigger.spec.filter.attributes).toEqual({ type: 'dev.zerochat.admin.bootstrap.requested' });
    expect(trigger.spec.subscriber).toMatchObject(toAdminEvents);
  });

  it('sends the event once after install from a Job whose sink a SinkBinding injects', () => {
    const job = find('Job', 'zerochat-bootstrap') as Json;
    const binding = find('SinkBinding', 'zerochat-bootstrap') as Json;
    expect(binding.spec.subject.kind).toBe('Job');
    expect(job.spec.template.metadata.labels).toMatchObject(binding.spec.subject.selector.matchLabels);
    expect(binding.spec.sink.ref).toMatchObject({ kind: 'Broker', name: 'default' });
    // The sender bundled in the admin image, which reads the Broker's address from K_SINK.
    const [container] = job.spec.template.spec.containers;
    expect(container.image).toBe((find('Service', 'admin') as Json).spec.template.spec.containers[0].image);
    expect(container.args.slice(0, 3)).toEqual(['send-bootstrap-event.js', '--source', '/zerochat/install']);
    expect(container.args).not.toContain('--sink');
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect((find('Namespace', KNATIVE_NAMESPACE) as Json).metadata.labels['bindings.knative.dev/include']).toBe('true');
  });

  it('gives the admin function as long to answer as a first bootstrap may take', () => {
    for (const name of ['admin-bootstrap', 'admin-reconcile']) {
      expect((find('Trigger', name) as Json).spec.delivery.timeout).toBe('PT10M');
    }
    expect((find('Service', 'admin') as Json).spec.template.spec.timeoutSeconds).toBe(600);
  });

  it('reconciles periodically: the PingSource reaches /admin/events through the reconcile Trigger', () => {
    const ping = find('PingSource', 'zerochat-reconcile') as Json;
    expect(ping.spec.sink.ref).toMatchObject({ kind: 'Broker', name: 'default' });
    const trigger = find('Trigger', 'admin-reconcile') as Json;
    expect(trigger.spec.filter.attributes).toEqual({
      type: 'dev.knative.sources.ping',
      source: `/apis/v1/namespaces/${KNATIVE_NAMESPACE}/pingsources/${ping.metadata.name}`,
    });
    expect(trigger.spec.subscriber).toMatchObject(toAdminEvents);
  });
});

describe('Kong on the cluster', () => {
  it('runs DB-less from the start-up config kube:secrets rendered (knative/kong-restart.test.ts checks its keys)', () => {
    const configMap = find('ConfigMap', 'kong-declarative') as Json;
    expect(KongDeclarativeConfigSchema.safeParse(parse(configMap.data['kong.yaml'])).success).toBe(true);
    const env = Object.fromEntries(
      (find('Deployment', 'kong') as Json).spec.template.spec.containers[0].env.map((variable: Json) => [
        variable.name,
        variable.value,
      ]),
    );
    expect(env).toMatchObject({ KONG_DATABASE: 'off', KONG_DECLARATIVE_CONFIG: '/kong/declarative/kong.yaml' });
  });

  it('reaches the functions through Kourier with their Host headers', () => {
    const config = parse((find('ConfigMap', 'kong-declarative') as Json).data['kong.yaml']);
    for (const fn of FUNCTIONS) {
      const upstream = config.upstreams.find(
        (candidate: Json) => candidate.host_header === `${fn}.${KNATIVE_NAMESPACE}.svc.cluster.local`,
      );
      expect(upstream?.targets).toEqual([
        expect.objectContaining({ target: 'kourier-internal.kourier-system.svc.cluster.local:80' }),
      ]);
    }
  });

  it('is published on MicroK8s through MetalLB and NodePort 30800, its admin API on NodePort 30801', () => {
    const proxy = find('Service', 'kong-proxy') as Json;
    expect(proxy.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(proxy.spec.ports).toEqual([expect.objectContaining({ port: 80, nodePort: 30800 })]);
    const admin = find('Service', 'kong-admin') as Json;
    expect(admin.spec.type).toBe('NodePort');
    expect(admin.spec.ports).toEqual([expect.objectContaining({ port: 8001, nodePort: 30801 })]);
    expect((find('Service', 'kong-admin', 'cluster') as Json).spec.type).toBeUndefined();
  });
});

describe('MongoDB and Ollama', () => {
  it('run as StatefulSets with volumes, probes and resources', () => {
    for (const name of ['mongodb', 'ollama']) {
      const set = find('StatefulSet', name) as Json;
      expect(set.spec.volumeClaimTemplates.length).toBe(1);
      const [container] = set.spec.template.spec.containers;
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      expect(container.resources.requests).toBeDefined();
      expect(find('Service', set.spec.serviceName)).toBeDefined();
    }
    expect((find('Service', 'mongodb') as Json).spec.clusterIP).toBe('None');
  });

  it('has MongoDB take its passwords from the Secret', () => {
    const env = (find('StatefulSet', 'mongodb') as Json).spec.template.spec.containers[0].env as Json[];
    for (const name of ['MONGO_INITDB_ROOT_PASSWORD', 'MONGODB_APP_PASSWORD']) {
      expect(env.find((variable) => variable.name === name)?.valueFrom.secretKeyRef.name).toBe('zerochat-mongodb');
    }
  });

  it('gives Ollama a GPU in the GPU variant only', () => {
    const limits = (overlay: string) =>
      (find('StatefulSet', 'ollama', overlay) as Json).spec.template.spec.containers[0].resources.limits;
    expect(limits('microk8s-gpu')['nvidia.com/gpu']).toBe('1');
    expect(limits('microk8s')['nvidia.com/gpu']).toBeUndefined();
  });
});
