import { COLLECTIONS } from '@zerochat/data';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import type { AdminTestApp } from '../../test/admin-harness.ts';
import { bootstrapRequest, OIDC_TEST_AUDIENCE, oidcAdminApp, triggerServiceAccount } from '../../test/oidc-events.ts';
import { type OidcIssuerServer, startOidcIssuer, TEST_CLUSTER_ISSUER } from '../../test/oidc-issuer-server.ts';

// ADMIN_EVENTS_AUTH=oidc, Knative Eventing's sender identity: the admin app against a real
// OIDC issuer (discovery and JWKS over HTTP, tokens signed with a real RSA key), real FerretDB
// and real Ollama. Only the Triggers' service accounts may send, with a token for the audience.

const database = useTestDatabase();
const { ollamaHost } = testServices();
const AUDIENCE = OIDC_TEST_AUDIENCE;
const TRIGGER = { namespace: 'zerochat', serviceAccount: triggerServiceAccount('admin-bootstrap') };
const RECONCILE = { namespace: 'zerochat', serviceAccount: triggerServiceAccount('admin-reconcile') };
const subjectOf = (account: typeof TRIGGER) => `system:serviceaccount:${account.namespace}:${account.serviceAccount}`;

let issuer: OidcIssuerServer;
let key: TestSigningKey;
let admin: AdminTestApp;

/** An admin app that takes events from the Triggers' service accounts, checked against `discoveryUrl`. */
const oidcApp = (discoveryUrl: string) =>
  oidcAdminApp({
    db: database.db,
    key,
    ollamaHost,
    discoveryUrl,
    subjects: [subjectOf(TRIGGER), subjectOf(RECONCILE)],
    serviceAccountDir: '/nonexistent/serviceaccount',
  });

beforeAll(async () => {
  issuer = await startOidcIssuer();
  key = await testSigningKey('oidc-events');
  admin = oidcApp(issuer.url);
});
afterAll(() => issuer.stop());

const send = (token: string | undefined) => admin.app.request('/admin/events', bootstrapRequest(token));
const processed = () => database.db.collection(COLLECTIONS.processedEvents);
const bootstrapsStarted = () => admin.lines.filter((line) => line.msg === 'bootstrap started').length;

describe('events with ADMIN_EVENTS_AUTH=oidc', () => {
  it("takes a bootstrap from a Trigger's service account with a token for the audience", async () => {
    const response = await send(await issuer.mint({ ...TRIGGER, audience: AUDIENCE }));
    expect(response.status).toBe(200);
    expect(response.headers.get('ce-type')).toBe('dev.zerochat.admin.bootstrap.completed');
    // The log names the service account that sent it.
    expect(admin.lines).toContainEqual(
      expect.objectContaining({ msg: 'bootstrap requested by CloudEvent', sender: subjectOf(TRIGGER) }),
    );
    // The discovery first, then the keys it names.
    const discovery = issuer.requests.indexOf('/.well-known/openid-configuration');
    expect(discovery).toBeGreaterThanOrEqual(0);
    expect(issuer.requests.indexOf('/openid/v1/jwks')).toBeGreaterThan(discovery);
  });

  it("takes the reconcile Trigger's deliveries too, reading the discovery and keys once", async () => {
    const response = await send(await issuer.mint({ ...RECONCILE, audience: AUDIENCE }));
    expect(response.status).toBe(200);
    expect(issuer.requests.filter((path) => path === '/.well-known/openid-configuration')).toHaveLength(1);
  });

  const refusals: Array<[string, () => Promise<string | undefined>, number, string]> = [
    ['no token', async () => undefined, 401, 'event_sender_unauthenticated'],
    [
      'a token not signed by the issuer',
      async () => issuer.forge({ ...TRIGGER, audience: AUDIENCE }),
      401,
      'event_sender_unauthenticated',
    ],
    [
      'an expired token',
      async () => issuer.mint({ ...TRIGGER, audience: AUDIENCE, expiresIn: -120 }),
      401,
      'event_sender_unauthenticated',
    ],
    [
      'a token of another issuer, signed with the right key',
      async () => issuer.mint({ ...TRIGGER, audience: AUDIENCE, issuer: 'https://elsewhere.example' }),
      401,
      'event_sender_unauthenticated',
    ],
    [
      'a token for another audience',
      async () => issuer.mint({ ...TRIGGER, audience: 'mt-broker-ingress' }),
      401,
      'event_sender_unauthenticated',
    ],
    [
      'the events secret of compose',
      async () => 'test-events-secret-0123456789abcdef',
      401,
      'event_sender_unauthenticated',
    ],
    [
      "a pod's projected token for the audience (its own service account)",
      async () => issuer.mint({ namespace: 'zerochat', serviceAccount: 'default', audience: AUDIENCE }),
      403,
      'event_sender_refused',
    ],
    [
      "the admin function's own service account",
      async () => issuer.mint({ namespace: 'zerochat', serviceAccount: 'zerochat-admin', audience: AUDIENCE }),
      403,
      'event_sender_refused',
    ],
    [
      "a Trigger's name in another namespace",
      async () => issuer.mint({ ...TRIGGER, namespace: 'intruders', audience: AUDIENCE }),
      403,
      'event_sender_refused',
    ],
  ];
  it.each(refusals)('refuses %s, before reading the event, and runs nothing', async (_name, token, status, code) => {
    const presented = await token();
    const before = { processed: await processed().countDocuments(), started: bootstrapsStarted() };
    const response = await send(presented);
    expect(response.status).toBe(status);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe(code);
    if (presented) expect(problem.detail).not.toContain(presented);
    expect(await processed().countDocuments()).toBe(before.processed);
    expect(bootstrapsStarted()).toBe(before.started);
  });

  it('says why a token does not hold: expired, issuer, audience', async () => {
    const detail = async (token: string) => ((await (await send(token)).json()) as { detail: string }).detail;
    expect(await detail(await issuer.mint({ ...TRIGGER, audience: AUDIENCE, expiresIn: -120 }))).toMatch(/expired/);
    expect(
      await detail(
        await issuer.mint({ ...TRIGGER, audience: AUDIENCE, issuer: TEST_CLUSTER_ISSUER.replace('default', 'other') }),
      ),
    ).toMatch(/"iss"/);
    expect(await detail(await issuer.mint({ ...TRIGGER, audience: 'other' }))).toMatch(/"aud"/);
  });

  it('answers 503 while the issuer cannot be read, and recovers once it can (the Broker retries)', async () => {
    const flaky = await startOidcIssuer();
    onTestFinished(() => flaky.stop());
    const down = oidcApp(flaky.url);
    const token = await flaky.mint({ ...TRIGGER, audience: AUDIENCE });
    flaky.setDown(true);
    try {
      const response = await down.app.request('/admin/events', bootstrapRequest(token));
      expect(response.status).toBe(503);
      expect(((await response.json()) as { code: string }).code).toBe('upstream_unavailable');
    } finally {
      flaky.setDown(false);
    }
    // Not a bootstrap run: a 401 with the wrong audience proves the issuer is read again.
    const wrongAudience = await flaky.mint({ ...TRIGGER, audience: 'other' });
    expect((await down.app.request('/admin/events', bootstrapRequest(wrongAudience))).status).toBe(401);
  });
});
