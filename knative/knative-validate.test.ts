import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNATIVE_EVENTING_MODULE, KNATIVE_SERVING_MODULE } from '../test/support/knative-modules.ts';
import { type KnativeValidator, knativeValidator } from '../test/support/knative-validate.ts';
import { knativeVariants, renderKnativeVariants } from '../test/support/knative-variants.ts';
import type { KubernetesObject } from '../test/support/kustomize.ts';
import { testServices } from '../test/support/test-services.ts';

// Every Knative object of every variant of knative/ through Knative's own code: SetDefaults,
// then Validate, inside apis.WithinCreate, with the default config maps of Knative Serving and
// Eventing 1.22, as Knative's admission webhooks do when the object is created on a cluster
// (tools/knative-validate, built from the knative.dev/serving and knative.dev/eventing modules).
// The webhooks themselves do not run here; knative/api-server.test.ts applies the same objects
// to a real API server with Knative's CRDs.

// biome-ignore lint/suspicious/noExplicitAny: rendered objects, broken field by field below
type Json = Record<string, any>;

let validate: KnativeValidator;
let rendered = new Map<string, KubernetesObject[]>();
let cleanup = async () => {};

beforeAll(async () => {
  validate = await knativeValidator(testServices().cacheDir);
  ({ rendered, cleanup } = await renderKnativeVariants());
}, 600_000);
afterAll(() => cleanup());

const microk8s = (kind: string, name: string): Json => {
  const object = rendered.get('microk8s')?.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`the microk8s overlay renders no ${kind}/${name}`);
  return structuredClone(object);
};
const errorsOf = async (object: Json) => {
  const [verdict] = await validate([object]);
  expect(verdict?.knative).toBe(true);
  return verdict?.errors.join('\n') ?? '';
};

describe.each(knativeVariants())('the %s variant', (variant) => {
  it("passes Knative's own defaulting and validation, object by object, without a warning", async () => {
    const verdicts = await validate(rendered.get(variant) ?? []);
    const knative = verdicts.filter((verdict) => verdict.knative);
    expect(knative.map((verdict) => `${verdict.kind}/${verdict.name}`).sort()).toEqual(
      expect.arrayContaining([
        'Broker/default',
        'PingSource/zerochat-reconcile',
        'Service/admin',
        'Service/auth',
        'Service/chat',
        'Service/web',
        'SinkBinding/zerochat-bootstrap',
        'Trigger/admin-bootstrap',
        'Trigger/admin-reconcile',
      ]),
    );
    expect(
      knative.flatMap((verdict) => verdict.errors.map((error) => `${verdict.kind}/${verdict.name}: ${error}`)),
    ).toEqual([]);
  });
});

describe("Knative's defaults for the functions", () => {
  it('keep the revision timeout chat needs for long replies, and the ports and probes as written', async () => {
    const [chat] = await validate([microk8s('Service', 'chat')]);
    const spec = chat?.defaulted?.spec.template.spec;
    expect(spec.timeoutSeconds).toBe(600);
    expect(spec.containerConcurrency).toBe(100);
    expect(spec.containers[0].ports).toEqual([{ name: 'http1', containerPort: 8080 }]);
    // Knative fills in what the revision runs with: its routing and the probe timeouts.
    expect(chat?.defaulted?.spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
    expect(spec.containers[0].readinessProbe).toMatchObject({ httpGet: { path: '/readyz' }, successThreshold: 1 });
  });
});

describe('a broken copy is refused by Knative', () => {
  it('a revision timeout above the maximum of config-defaults (600 s)', async () => {
    const chat = microk8s('Service', 'chat');
    chat.spec.template.spec.timeoutSeconds = 3600;
    expect(await errorsOf(chat)).toMatch(/expected 0 <= 3600 <= 600: spec\.template\.spec\.timeoutSeconds/);
  });

  it('a PingSource schedule that is not a cron expression', async () => {
    const ping = microk8s('PingSource', 'zerochat-reconcile');
    ping.spec.schedule = '*/10 * * *';
    expect(await errorsOf(ping)).toMatch(/expected 5 to 6 fields, found 4: \[\*\/10 \* \* \*\]: spec\.schedule/);
  });

  it('a negative retry count in a Trigger', async () => {
    const trigger = microk8s('Trigger', 'admin-bootstrap');
    trigger.spec.delivery.retry = -1;
    expect(await errorsOf(trigger)).toMatch(/invalid value: -1: spec\.delivery\.retry/);
  });

  it('a backoff delay that is not an ISO 8601 duration', async () => {
    const trigger = microk8s('Trigger', 'admin-reconcile');
    trigger.spec.delivery.backoffDelay = '5s';
    expect(await errorsOf(trigger)).toMatch(/invalid value: 5s: spec\.delivery\.backoffDelay/);
  });

  it('a min-scale above the max-scale', async () => {
    const auth = microk8s('Service', 'auth');
    auth.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'] = '9';
    expect(await errorsOf(auth)).toMatch(/max-scale=5 is less than min-scale=9/);
  });

  it("a field that Knative's Go types do not have", async () => {
    const sink = microk8s('SinkBinding', 'zerochat-bootstrap');
    sink.spec.subjects = sink.spec.subject;
    expect(await errorsOf(sink)).toMatch(/unknown field "subjects"/);
  });

  it('a Knative kind the checker does not know, rather than letting it pass unchecked', async () => {
    expect(
      await errorsOf({ apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', metadata: { name: 'steps' }, spec: {} }),
    ).toMatch(/does not know flows\.knative\.dev/);
  });
});

it('checks with the Knative release whose CRDs the API server test installs', async () => {
  const goMod = await readFile(join(REPO_ROOT, 'tools/knative-validate/go.mod'), 'utf8');
  for (const module of [KNATIVE_SERVING_MODULE, KNATIVE_EVENTING_MODULE]) {
    const [path, version] = module.split('@');
    expect(goMod).toContain(`${path} ${version}`);
  }
});
