import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { useKubernetesApiServer } from '../../../../test/support/kubernetes-api.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import type { AdminTestApp } from '../../test/admin-harness.ts';
import { bootstrapRequest, OIDC_TEST_AUDIENCE, oidcAdminApp, triggerServiceAccount } from '../../test/oidc-events.ts';
import { startOidcIssuer } from '../../test/oidc-issuer-server.ts';

// ADMIN_EVENTS_AUTH=oidc against a real kube-apiserver: its OIDC discovery and keys, read with
// a service-account token it issued and its own CA, and tokens it mints through TokenRequest,
// as Knative Eventing requests them for a Trigger's deliveries. No controller runs, so the
// service accounts Eventing would create are created here.

const kubernetes = useKubernetesApiServer();
const database = useTestDatabase();
const { ollamaHost, scratchDir } = testServices();
const NAMESPACE = 'zerochat';
const AUDIENCE = OIDC_TEST_AUDIENCE;
const TRIGGER = triggerServiceAccount('admin-bootstrap');
const OTHER_POD = 'curious-pod';

let key: TestSigningKey;
let serviceAccountDir = '';

/** A token the API server mints for `serviceAccount` (TokenRequest), as Eventing asks for one. */
const tokenRequest = (serviceAccount: string, audiences?: string[]) =>
  kubernetes.serviceAccountToken(serviceAccount, NAMESPACE, audiences);

const oidcApp = (serviceAccounts = serviceAccountDir, now?: () => Date) =>
  oidcAdminApp({
    db: database.db,
    key,
    ollamaHost,
    discoveryUrl: kubernetes.server.url,
    subjects: [`system:serviceaccount:${NAMESPACE}:${TRIGGER}`],
    serviceAccountDir: serviceAccounts,
    ...(now ? { now } : {}),
  });
let admin: AdminTestApp;

beforeAll(async () => {
  key = await testSigningKey('oidc-kubernetes');
  await kubernetes.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  for (const name of [TRIGGER, OTHER_POD, 'zerochat-admin']) {
    await kubernetes.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NAMESPACE } });
  }
  // The admin pod's service-account folder: the cluster's CA and a token of its own account.
  serviceAccountDir = await mkdtemp(join(scratchDir, 'serviceaccount-'));
  await mkdir(serviceAccountDir, { recursive: true });
  await copyFile(kubernetes.server.caFile, join(serviceAccountDir, 'ca.crt'));
  await writeFile(join(serviceAccountDir, 'token'), await tokenRequest('zerochat-admin'));
  admin = oidcApp();
}, 600_000);

const send = async (app: AdminTestApp, token: string | undefined) => {
  const response = await app.app.request('/admin/events', bootstrapRequest(token));
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as { code?: string; detail?: string },
  };
};

describe("ADMIN_EVENTS_AUTH=oidc with the API server's tokens", () => {
  it("takes a token TokenRequest minted for the Trigger's service account and the audience", async () => {
    const token = await tokenRequest(TRIGGER, [AUDIENCE]);
    expect(decodeJwt(token)).toMatchObject({ aud: [AUDIENCE], sub: `system:serviceaccount:${NAMESPACE}:${TRIGGER}` });
    expect((await send(admin, token)).status).toBe(200);
  });

  it('refuses a token of another service account of the namespace for the same audience (403)', async () => {
    const answer = await send(admin, await tokenRequest(OTHER_POD, [AUDIENCE]));
    expect(answer).toMatchObject({ status: 403, body: { code: 'event_sender_refused' } });
  });

  it("refuses the Trigger's token for another audience (the Broker's), and none at all (401)", async () => {
    const otherAudience = await send(admin, await tokenRequest(TRIGGER, ['mt-broker-ingress']));
    expect(otherAudience).toMatchObject({ status: 401, body: { code: 'event_sender_unauthenticated' } });
    expect(otherAudience.body.detail).toMatch(/"aud"/);
    expect(await send(admin, undefined)).toMatchObject({ status: 401, body: { code: 'event_sender_unauthenticated' } });
  });

  it("refuses the Trigger's claims signed with another key under the API server's key id (401)", async () => {
    const genuine = await tokenRequest(TRIGGER, [AUDIENCE]);
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(genuine))
      .setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string; kid?: string })
      .sign(other.privateKey);
    const answer = await send(admin, forged);
    expect(answer).toMatchObject({ status: 401, body: { code: 'event_sender_unauthenticated' } });
    expect(answer.body.detail).toMatch(/not signed/);
  });

  it('refuses a token of another issuer (another cluster) for the same audience and subject (401)', async () => {
    const elsewhere = await startOidcIssuer();
    try {
      const token = await elsewhere.mint({ namespace: NAMESPACE, serviceAccount: TRIGGER, audience: AUDIENCE });
      expect((await send(admin, token)).status).toBe(401);
    } finally {
      await elsewhere.stop();
    }
  });

  it('refuses a token that has expired (the admin clock two hours on)', async () => {
    const later = oidcApp(serviceAccountDir, () => new Date(Date.now() + 2 * 3600_000));
    const answer = await send(later, await tokenRequest(TRIGGER, [AUDIENCE]));
    expect(answer).toMatchObject({ status: 401, body: { code: 'event_sender_unauthenticated' } });
    expect(answer.body.detail).toMatch(/expired/);
  });

  it('reads the discovery only as a service account: without a token the API server refuses, and admin answers 503', async () => {
    const anonymous = oidcApp(join(scratchDir, 'no-such-serviceaccount'));
    expect(await send(anonymous, await tokenRequest(TRIGGER, [AUDIENCE]))).toMatchObject({
      status: 503,
      body: { code: 'upstream_unavailable' },
    });
  });
});
