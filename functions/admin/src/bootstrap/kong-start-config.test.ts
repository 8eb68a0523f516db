import type { KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { KNATIVE_NAMESPACE, knativeUpstreams, renderKnativeStartConfig } from '@zerochat/kong';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { signAccessToken, type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { kongJwtAccess, kongStartsFrom, routeJwtPlugin } from '../../../../test/support/kong-stand-in.ts';
import { useKubernetesApiServer } from '../../../../test/support/kubernetes-api.ts';
import { applyZerochatRbac } from '../../test/cluster-rbac.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../../test/kong-admin-stand-in.ts';
import { gatewayConfigRenderer } from '../kong/gateway-config.ts';
import { createKongAdmin } from '../kong/kong-admin.ts';
import { kubernetesStartConfigStore, START_CONFIG_KEY } from '../kong/start-config.ts';
import { kongConfigStep } from './kong-config.ts';

// On Kubernetes the bootstrap also keeps the file a DB-less Kong loads at start (the
// kong-declarative ConfigMap) holding the config it posts, so a Kong that restarts after a key
// rotation knows the new keys at once. The ConfigMap lives in a real kube-apiserver; the admin
// code reads and merge-patches it with @kubernetes/client-node as the zerochat-admin
// ServiceAccount, with a token the API server issued, under the RBAC of knative/base/rbac.yaml.
// Kong cannot run here: its admin API is a stand-in (test/kong-admin-stand-in.ts), and the
// stored file is loaded by the Kong 3.9 stand-in of test/support/kong-stand-in.ts.

const CONFIGMAP = 'kong-declarative';
const WHERE = `ConfigMap ${KNATIVE_NAMESPACE}/${CONFIGMAP}`;
/** A key of the ConfigMap beside Kong's file: the admin function's merge patch must keep it. */
const OTHER_KEY = 'README';

const kubernetes = useKubernetesApiServer({ crds: [] });
const configMap = (name = CONFIGMAP) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: KNATIVE_NAMESPACE } }) as const;
type StoredConfigMap = ClientObject & { data?: Record<string, string> };

let keys: TestSigningKey[];
let adminAccount: string;
let kong: KongAdminStandIn | undefined;
beforeAll(async () => {
  keys = await Promise.all([testSigningKey('key-a'), testSigningKey('key-b')]);
  await applyZerochatRbac(kubernetes);
  adminAccount = await kubernetes.serviceAccountKubeconfig('zerochat-admin', KNATIVE_NAMESPACE);
});
afterEach(async () => {
  await kong?.stop();
  kong = undefined;
});

/** Kong, and a kong-declarative ConfigMap holding `startText` (none: no such ConfigMap). */
async function cluster(startText?: string) {
  kong = await startKongAdminStandIn({ database: 'off' });
  await kubernetes.remove(configMap());
  if (startText !== undefined) {
    await kubernetes.apply({ ...configMap(), data: { [START_CONFIG_KEY]: startText, [OTHER_KEY]: 'kept' } });
  }
  return { kong };
}

function stepFor(signingKeys: TestSigningKey[], kubeconfig = adminAccount) {
  if (!kong) throw new Error('no cluster');
  const gateway = {
    admin: createKongAdmin({ url: kong.url, timeoutMs: 2000 }),
    render: gatewayConfigRenderer({
      upstreams: knativeUpstreams(KNATIVE_NAMESPACE),
      corsOrigins: ['*'],
      keys: { jwks: { keys: signingKeys.map((key) => key.publicJwk) } as never },
    }),
    startConfig: kubernetesStartConfigStore({ kubeconfig, inCluster: false }, KNATIVE_NAMESPACE, CONFIGMAP),
  };
  const { log } = captureLog();
  return { run: () => kongConfigStep(gateway).run(log) };
}

/** The ConfigMap as the API server stores it. */
const stored = (name = CONFIGMAP) => kubernetes.read<StoredConfigMap>(configMap(name));

/** What a Kong that starts from the stored ConfigMap answers to a token of `key`. */
async function restartedKongAnswers(key: TestSigningKey) {
  const config = kongStartsFrom((await stored()).data?.[START_CONFIG_KEY] ?? '');
  const plugin = routeJwtPlugin(config, 'chat-conversations');
  const token = await signAccessToken(key);
  return kongJwtAccess(config, plugin, { method: 'GET', headers: { authorization: `Bearer ${token}` } }).status;
}

describe("the Kong step, with Kong's start-up config in a ConfigMap of a real kube-apiserver", () => {
  it('writes the config it posts into the ConfigMap once (changed), then finds both in sync (ok)', async () => {
    const empty = renderKnativeStartConfig([]).text;
    await cluster(empty);
    const step = stepFor([keys[0] as TestSigningKey]);

    const first = await step.run();
    expect(first.outcome).toBe('changed');
    expect(first.reason).toMatch(/^posted the config .*; wrote this config to Kong's start-up config in /);
    expect(first.reason).toContain(WHERE);
    const written = await stored();
    expect(written.data?.[START_CONFIG_KEY]).not.toBe(empty);
    // A merge patch of Kong's file only: the rest of the ConfigMap stays as it was.
    expect(written.data?.[OTHER_KEY]).toBe('kept');
    expect(await restartedKongAnswers(keys[0] as TestSigningKey)).toBe(200);

    const second = await step.run();
    expect(second).toEqual({ outcome: 'ok', reason: expect.stringMatching(/runs this config .*; .* holds it$/) });
    expect((await stored()).metadata?.resourceVersion).toBe(written.metadata?.resourceVersion);
  });

  it('writes it again after a key rotation, so a restarted Kong takes tokens of the new key and the old', async () => {
    await cluster(renderKnativeStartConfig([]).text);
    await stepFor([keys[0] as TestSigningKey]).run();
    const before = await stored();
    expect(await restartedKongAnswers(keys[1] as TestSigningKey)).toBe(401);

    const rotated = await stepFor([keys[1] as TestSigningKey, keys[0] as TestSigningKey]).run();
    expect(rotated.outcome).toBe('changed');
    expect((await stored()).metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    expect(await restartedKongAnswers(keys[1] as TestSigningKey)).toBe(200);
    expect(await restartedKongAnswers(keys[0] as TestSigningKey)).toBe(200);
  });

  it('leaves alone a start-up config that npm run kube:secrets rendered from the same keys', async () => {
    const rendered = renderKnativeStartConfig([keys[0]?.publicJwk as never]).text;
    await cluster(rendered);
    const before = await stored();
    const report = await stepFor([keys[0] as TestSigningKey]).run();
    expect(report.reason).toContain(`Kong's start-up config in ${WHERE} holds it`);
    const after = await stored();
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data?.[START_CONFIG_KEY]).toBe(rendered);
  });

  it('fails with a reason naming the ConfigMap when there is none, and configures the running Kong all the same', async () => {
    const { kong } = await cluster();
    const report = await stepFor([keys[0] as TestSigningKey]).run();
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(
      /^posted the config .*; Kong's start-up config in ConfigMap zerochat\/kong-declarative: /,
    );
    expect(report.reason).toContain('the API server answered 404');
    expect(kong.requests.filter((request) => request.path.startsWith('/config'))).toHaveLength(1);
    // A merge patch creates nothing: the ConfigMap is kube:deploy's to make.
    await expect(stored()).rejects.toMatchObject({ code: 404 });
  });
});

describe("who may touch ConfigMaps, by the API server's RBAC", () => {
  it("the admin function's ServiceAccount may neither read nor patch any other ConfigMap", async () => {
    const other = { ...configMap('zerochat-config'), data: { AUTH_ISSUER: 'https://zerochat.example' } };
    await kubernetes.apply(other);
    const store = kubernetesStartConfigStore(
      { kubeconfig: adminAccount, inCluster: false },
      KNATIVE_NAMESPACE,
      'zerochat-config',
    );
    if (!store) throw new Error('a kubeconfig makes a store');
    await expect(store.read()).rejects.toThrow(
      'reading ConfigMap zerochat/zerochat-config: the API server answered 403',
    );
    await expect(store.write('stolen: true')).rejects.toThrow(
      'writing ConfigMap zerochat/zerochat-config: the API server answered 403',
    );
    expect((await stored('zerochat-config')).data).toEqual(other.data);
  });

  it("the functions' ServiceAccount may not patch Kong's: the step fails and nothing is written", async () => {
    const empty = renderKnativeStartConfig([]).text;
    await cluster(empty);
    const functionAccount = await kubernetes.serviceAccountKubeconfig('zerochat-function', KNATIVE_NAMESPACE);
    const report = await stepFor([keys[0] as TestSigningKey], functionAccount).run();
    expect(report.outcome).toBe('failed');
    expect(report.reason).toContain(`Kong's start-up config in ${WHERE}: `);
    expect(report.reason).toContain('the API server answered 403');
    expect((await stored()).data?.[START_CONFIG_KEY]).toBe(empty);
  });
});
