import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KNATIVE_NAMESPACE } from '@zerochat/kong';
import { REPO_ROOT } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SINK_BINDING_TOKEN_FILE } from '../functions/admin/src/bootstrap-sender.ts';
import { adminEnv } from '../functions/admin/src/config.ts';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from '../test/support/kustomize.ts';

// Knative Eventing's sender identity in the rendered overlay: the names Eventing derives for
// its service accounts, the audience, and the admin function's settings must agree, or every
// delivery is refused.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, read field by field below
type Json = Record<string, any>;

let objects: KubernetesObject[] = [];
let cleanup = async () => {};

beforeAll(async () => {
  const kustomize = await findKustomize();
  const copy = await knativeCopy('examples');
  cleanup = copy.cleanup;
  objects = parseObjects(await kustomize(join(copy.root, 'knative/overlays/microk8s')));
}, 300_000);
afterAll(() => cleanup());

const all = (kind: string) => objects.filter((object) => object.kind === kind) as Json[];
const find = (kind: string, name: string) => all(kind).find((object) => object.metadata.name === name) as Json;

/**
 * The service account Eventing creates for an object's OIDC identity
 * (knative.dev/eventing pkg/auth GetOIDCServiceAccountNameForResource): kmeta.ChildName of the
 * object's name and `-oidc-<group>-<kind>`, lower-cased. ChildName hashes names over 63
 * characters; zerochat's stay under, which the tests check rather than hash.
 */
function oidcServiceAccount(object: Json): string {
  const [group = ''] = String(object.apiVersion).split('/');
  const name = `${object.metadata.name}-oidc-${group}-${object.kind}`.toLowerCase();
  expect(name.length, name).toBeLessThanOrEqual(63);
  return `system:serviceaccount:${object.metadata.namespace}:${name}`;
}

const adminConfig = () => find('ConfigMap', 'zerochat-config').data as Record<string, string>;
const toAdmin = () =>
  all('Trigger').filter(
    (trigger) => trigger.spec.subscriber.ref?.kind === 'Service' && trigger.spec.subscriber.ref?.name === 'admin',
  );

describe("Knative Eventing's sender identity", () => {
  it('has the admin function check OIDC tokens, with settings its config accepts', () => {
    const config = adminConfig();
    expect(config.ADMIN_EVENTS_AUTH).toBe('oidc');
    expect(adminEnv.ADMIN_EVENTS_OIDC_AUDIENCE.parse(config.ADMIN_EVENTS_OIDC_AUDIENCE)).toBeTruthy();
    expect(adminEnv.ADMIN_EVENTS_OIDC_SUBJECTS.parse(config.ADMIN_EVENTS_OIDC_SUBJECTS)).toBeTruthy();
  });

  it('has every Trigger that delivers to admin ask for the audience admin checks', () => {
    expect(
      toAdmin()
        .map((trigger) => trigger.metadata.name)
        .sort(),
    ).toEqual(['admin-bootstrap', 'admin-reconcile']);
    for (const trigger of toAdmin()) {
      expect(trigger.spec.subscriber.audience, trigger.metadata.name).toBe(adminConfig().ADMIN_EVENTS_OIDC_AUDIENCE);
    }
  });

  it("accepts exactly those Triggers' service accounts as senders", () => {
    const subjects = adminEnv.ADMIN_EVENTS_OIDC_SUBJECTS.parse(adminConfig().ADMIN_EVENTS_OIDC_SUBJECTS) ?? [];
    expect([...subjects].sort()).toEqual(toAdmin().map(oidcServiceAccount).sort());
    for (const subject of subjects) expect(subject).toMatch(new RegExp(`^system:serviceaccount:${KNATIVE_NAMESPACE}:`));
  });

  it("lets only the bootstrap Job's SinkBinding and the PingSource send to the Broker", () => {
    const policy = find('EventPolicy', 'broker-senders');
    expect(policy.spec.to).toEqual([
      { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: find('Broker', 'default').metadata.name } },
    ]);
    const senders = [find('SinkBinding', 'zerochat-bootstrap'), find('PingSource', 'zerochat-reconcile')];
    expect(policy.spec.from.map((from: Json) => from.sub).sort()).toEqual(senders.map(oidcServiceAccount).sort());
    for (const sender of senders) expect(sender.spec.sink.ref).toMatchObject({ kind: 'Broker', name: 'default' });
  });

  it('has the bootstrap Job present the token its SinkBinding mounts', () => {
    const [container] = find('Job', 'zerochat-bootstrap').spec.template.spec.containers;
    // The sender reads SINK_BINDING_TOKEN_FILE unless told otherwise; the Job does not.
    expect(SINK_BINDING_TOKEN_FILE).toBe('/oidc/token');
    expect(container.args).not.toContain('--token-file');
    expect(JSON.stringify(container.env ?? [])).not.toContain('ADMIN_EVENTS_SECRET');
  });

  it('is switched on by kub-setup.sh in the config-features of knative-eventing', async () => {
    const script = await readFile(join(REPO_ROOT, 'knative/scripts/kub-setup.sh'), 'utf8');
    const patch =
      /k patch configmap\/config-features --namespace knative-eventing --type merge \\\n\s+--patch '([^']+)'/.exec(
        script,
      );
    expect(JSON.parse(patch?.[1] ?? '{}')).toEqual({ data: { 'authentication-oidc': 'enabled' } });
  });
});
