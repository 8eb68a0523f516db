import { KNATIVE_NAMESPACE, knativeUpstreams, renderKnativeStartConfig } from '@zerochat/kong';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { signAccessToken, type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { kongJwtAccess, kongStartsFrom, routeJwtPlugin } from '../../../../test/support/kong-stand-in.ts';
import { gatewayConfigRenderer } from '../kong/gateway-config.ts';
import { createKongAdmin } from '../kong/kong-admin.ts';
import { kubernetesStartConfigStore, START_CONFIG_KEY } from '../kong/start-config.ts';
import { type ConfigMapStandIn, startConfigMapStandIn } from '../testing/configmap-stand-in.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../testing/kong-admin-stand-in.ts';
import { kongConfigStep } from './kong-config.ts';

// On Kubernetes the bootstrap also keeps the file a DB-less Kong loads at start (the
// kong-declarative ConfigMap) holding the config it posts, so a Kong that restarts after a key
// rotation knows the new keys at once. Kong and Kubernetes cannot run here: Kong's admin API and
// the ConfigMap API are stand-ins (testing/), and the written file is loaded by the Kong 3.9
// stand-in of test/support/kong-stand-in.ts.

const CONFIGMAP = 'kong-declarative';
const WHERE = `ConfigMap ${KNATIVE_NAMESPACE}/${CONFIGMAP}`;

let keys: TestSigningKey[];
let kong: KongAdminStandIn | undefined;
let kubernetes: ConfigMapStandIn | undefined;
beforeAll(async () => {
  keys = await Promise.all([testSigningKey('key-a'), testSigningKey('key-b')]);
});
afterEach(async () => {
  await kong?.stop();
  await kubernetes?.stop();
  kong = undefined;
  kubernetes = undefined;
});

/** Kong and a cluster whose kong-declarative ConfigMap holds `startText` (none: no such ConfigMap). */
async function cluster(startText?: string) {
  kong = await startKongAdminStandIn({ database: 'off' });
  kubernetes = await startConfigMapStandIn(
    KNATIVE_NAMESPACE,
    startText === undefined ? {} : { [CONFIGMAP]: { [START_CONFIG_KEY]: startText } },
  );
  return { kong, kubernetes };
}

function stepFor(signingKeys: TestSigningKey[]) {
  if (!kong || !kubernetes) throw new Error('no cluster');
  const gateway = {
    admin: createKongAdmin({ url: kong.url, timeoutMs: 2000 }),
    render: gatewayConfigRenderer({
      upstreams: knativeUpstreams(KNATIVE_NAMESPACE),
      corsOrigins: ['*'],
      keys: { jwks: { keys: signingKeys.map((key) => key.publicJwk) } as never },
    }),
    startConfig: kubernetesStartConfigStore(
      { kubeconfig: kubernetes.kubeconfig, inCluster: false },
      KNATIVE_NAMESPACE,
      CONFIGMAP,
    ),
  };
  const { log } = captureLog();
  return { run: () => kongConfigStep(gateway).run(log) };
}

const patches = (standIn: ConfigMapStandIn) => standIn.requests.filter((request) => request.startsWith('PATCH'));
const startText = (standIn: ConfigMapStandIn) => standIn.configMaps.get(CONFIGMAP)?.[START_CONFIG_KEY] ?? '';

/** What a Kong that starts from the ConfigMap now answers to a token of `key`. */
async function restartedKongAnswers(standIn: ConfigMapStandIn, key: TestSigningKey) {
  const config = kongStartsFrom(startText(standIn));
  const plugin = routeJwtPlugin(config, 'chat-conversations');
  const token = await signAccessToken(key);
  return kongJwtAccess(config, plugin, { method: 'GET', headers: { authorization: `Bearer ${token}` } }).status;
}

describe("the Kong step, with Kong's start-up config in a ConfigMap", () => {
  it('writes the config it posts into the ConfigMap once (changed), then finds both in sync (ok)', async () => {
    const { kubernetes } = await cluster(renderKnativeStartConfig([]).text);
    const step = stepFor([keys[0] as TestSigningKey]);

    const first = await step.run();
    expect(first.outcome).toBe('changed');
    expect(first.reason).toMatch(/^posted the config .*; wrote this config to Kong's start-up config in /);
    expect(first.reason).toContain(WHERE);
    expect(patches(kubernetes)).toEqual([
      `PATCH /api/v1/namespaces/${KNATIVE_NAMESPACE}/configmaps/${CONFIGMAP} application/merge-patch+json`,
    ]);
    expect(await restartedKongAnswers(kubernetes, keys[0] as TestSigningKey)).toBe(200);

    const second = await step.run();
    expect(second).toEqual({ outcome: 'ok', reason: expect.stringMatching(/runs this config .*; .* holds it$/) });
    expect(patches(kubernetes)).toHaveLength(1);
  });

  it('writes it again after a key rotation, so a restarted Kong takes tokens of the new key and the old', async () => {
    const { kubernetes } = await cluster(renderKnativeStartConfig([]).text);
    await stepFor([keys[0] as TestSigningKey]).run();
    expect(await restartedKongAnswers(kubernetes, keys[1] as TestSigningKey)).toBe(401);

    const rotated = await stepFor([keys[1] as TestSigningKey, keys[0] as TestSigningKey]).run();
    expect(rotated.outcome).toBe('changed');
    expect(patches(kubernetes)).toHaveLength(2);
    expect(await restartedKongAnswers(kubernetes, keys[1] as TestSigningKey)).toBe(200);
    expect(await restartedKongAnswers(kubernetes, keys[0] as TestSigningKey)).toBe(200);
  });

  it('leaves alone a start-up config that npm run kube:secrets rendered from the same keys', async () => {
    const rendered = renderKnativeStartConfig([keys[0]?.publicJwk as never]).text;
    const { kubernetes } = await cluster(rendered);
    const report = await stepFor([keys[0] as TestSigningKey]).run();
    expect(report.reason).toContain(`Kong's start-up config in ${WHERE} holds it`);
    expect(patches(kubernetes)).toEqual([]);
    expect(startText(kubernetes)).toBe(rendered);
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
  });
});
