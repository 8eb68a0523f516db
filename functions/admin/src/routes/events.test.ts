import { COLLECTIONS, INDEXES } from '@zerochat/data';
import { KongDeclarativeConfigSchema } from '@zerochat/kong';
import { type CloudEvent, HTTP } from 'cloudevents';
import { Ollama } from 'ollama/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { type TestDatabase, testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { startAuthServer } from '../../../auth/test/auth-server.ts';
import { testAuthSettings } from '../../../auth/test/auth-settings.ts';
import { type AdminTestApp, adminTestApp, tinyBaseModel, uniqueModelNames } from '../../test/admin-harness.ts';
import { TEST_EVENTS_SECRET } from '../../test/admin-settings.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../../test/kong-admin-stand-in.ts';
import type { BootstrapReport } from '../bootstrap/bootstrap.ts';

// A bootstrap over CloudEvents against real FerretDB and real Ollama (the tiny model as the
// base model), with a stand-in of Kong's admin API (Kong cannot run here).

const { ollamaHost } = testServices();
const ADMIN = { email: 'root@example.com', password: 'first admin password' };
let key: TestSigningKey;

beforeAll(async () => {
  key = await testSigningKey('install-key');
});

interface Install {
  readonly database: TestDatabase;
  readonly kong: KongAdminStandIn;
  readonly admin: AdminTestApp;
  readonly names: ReturnType<typeof uniqueModelNames>;
}

/**
 * An admin with a database, a Kong stand-in and model names of its own, set up by hooks in the
 * calling scope: the file's, and one for the tests that need an install nothing ran on yet.
 */
function useInstall(): Install {
  const database = useTestDatabase();
  let parts: Omit<Install, 'database'> | undefined;
  beforeAll(async () => {
    const kong = await startKongAdminStandIn();
    const names = uniqueModelNames();
    const admin = adminTestApp(
      database.db,
      key,
      {
        ...names,
        OLLAMA_HOST: ollamaHost,
        KONG_ADMIN_URL: kong.url,
        KONG_UPSTREAMS: 'knative:zerochat',
        BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        ADMIN_EVENT_SOURCES: '/zerochat/test,/zerochat/elsewhere,/zerochat/structured',
      },
      { baseModelSource: tinyBaseModel(ollamaHost) },
    );
    parts = { kong, names, admin };
  });
  afterAll(() => parts?.kong.stop());
  const part = <K extends 'kong' | 'admin' | 'names'>(name: K): Omit<Install, 'database'>[K] => {
    if (!parts) throw new Error('useInstall: the install is set up in beforeAll');
    return parts[name];
  };
  return {
    database,
    get kong() {
      return part('kong');
    },
    get admin() {
      return part('admin');
    },
    get names() {
      return part('names');
    },
  };
}

const install = useInstall();
const { database } = install;
let sequence = 0;
const BOOTSTRAP = 'dev.zerochat.admin.bootstrap.requested';
const SENDER = `Bearer ${TEST_EVENTS_SECRET}`;
// The file's install is bootstrapped before its tests, which see an installed system.
beforeAll(async () => {
  expect((await send(binaryEvent({ 'ce-id': 'install' }))).status).toBe(200);
});

function binaryEvent(overrides: Record<string, string> = {}, body = '{}'): RequestInit {
  sequence++;
  return {
    method: 'POST',
    headers: {
      authorization: SENDER,
      'ce-specversion': '1.0',
      'ce-type': BOOTSTRAP,
      'ce-source': '/zerochat/test',
      'ce-id': `event-${sequence}`,
      'content-type': 'application/json',
      ...overrides,
    },
    body,
  };
}

function structuredEvent(event: Record<string, unknown>): RequestInit {
  return {
    method: 'POST',
    headers: { authorization: SENDER, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  };
}

const send = (init: RequestInit, to: Install = install) => to.admin.app.request('/admin/events', init);

async function replyOf(response: Response): Promise<CloudEvent<BootstrapReport>> {
  const event = HTTP.toEvent({ headers: Object.fromEntries(response.headers), body: await response.text() });
  return event as CloudEvent<BootstrapReport>;
}

const processed = (of: Install = install) => of.database.db.collection(COLLECTIONS.processedEvents);
const outcomes = (report: BootstrapReport) => Object.fromEntries(report.steps.map((step) => [step.step, step.outcome]));

describe('a bootstrap CloudEvent on a fresh system', () => {
  // An install of its own, bootstrapped once here: the other describes bootstrap the file's.
  const fresh = useInstall();
  let response: Response;
  let reply: CloudEvent<BootstrapReport>;
  let first: BootstrapReport;
  beforeAll(async () => {
    response = await send(binaryEvent({ 'ce-id': 'fresh-install' }), fresh);
    reply = await replyOf(response);
    first = reply.data as BootstrapReport;
  });

  it('runs every step and answers a bootstrap.completed event (binary mode) carrying the report', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('ce-specversion')).toBe('1.0');
    expect(reply).toMatchObject({
      type: 'dev.zerochat.admin.bootstrap.completed',
      source: '/zerochat/admin',
      subject: 'fresh-install',
      datacontenttype: 'application/json',
    });
    expect(first.status).toBe('changed');
    expect(first.trigger).toEqual({ kind: 'event', type: BOOTSTRAP, source: '/zerochat/test', id: 'fresh-install' });
    expect(outcomes(first)).toEqual({
      'mongodb-indexes': 'changed',
      'admin-account': 'changed',
      'ollama-models': 'changed',
      'kong-config': 'changed',
    });
  });

  it('leaves MongoDB indexed', async () => {
    for (const index of INDEXES) {
      const existing = (await fresh.database.db.collection(index.collection).indexes()).map((entry) => entry.name);
      expect(existing, `${index.collection}.${index.name}`).toContain(index.name);
    }
  });

  it('leaves an admin who can log in (through the auth function)', async () => {
    const auth = await startAuthServer(fresh.database.db, { config: await testAuthSettings() });
    const login = await auth.post('/auth/login', ADMIN);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: ADMIN.email, role: 'admin', disabled: false });
  });

  it('leaves the zerochat model in Ollama, made from the Modelfile', async () => {
    const shown = await new Ollama({ host: ollamaHost }).show({ model: fresh.names.ZEROCHAT_MODEL });
    expect(shown.system).toMatch(/^You are zerochat/);
    expect(shown.parameters).toMatch(/num_ctx\s+4096/);
  });

  it('leaves Kong with a config that passes the schema and carries the signing key', async () => {
    expect(fresh.kong.rejected).toEqual([]);
    const config = fresh.kong.config();
    expect(KongDeclarativeConfigSchema.safeParse(config).success).toBe(true);
    expect(config?.consumers?.map((consumer) => consumer.custom_id)).toEqual(['install-key']);
  });

  it('changes nothing when a new bootstrap event comes', async () => {
    const posts = fresh.kong.requests.filter((request) => request.method !== 'GET').length;
    const modified = (await new Ollama({ host: ollamaHost }).list()).models.find(
      (model) => model.name === fresh.names.ZEROCHAT_MODEL,
    )?.modified_at;
    const response = await send(binaryEvent({ 'ce-id': 'second-install' }), fresh);
    expect(response.status).toBe(200);
    const report = (await replyOf(response)).data as BootstrapReport;
    expect(report.status).toBe('ok');
    expect(outcomes(report)).toEqual({
      'mongodb-indexes': 'ok',
      'admin-account': 'ok',
      'ollama-models': 'ok',
      'kong-config': 'ok',
    });
    expect(fresh.kong.requests.filter((request) => request.method !== 'GET')).toHaveLength(posts);
    const after = (await new Ollama({ host: ollamaHost }).list()).models.find(
      (model) => model.name === fresh.names.ZEROCHAT_MODEL,
    );
    expect(after?.modified_at).toEqual(modified);
  });
});

describe('delivery at least once', () => {
  it('answers a repeat (same source and id) as before, without running again', async () => {
    const init = binaryEvent({ 'ce-id': 'delivered-twice' });
    const once = await send(init);
    const again = await send(init);
    expect(again.status).toBe(200);
    const [a, b] = [await replyOf(once), await replyOf(again)];
    expect(b.id).toBe(a.id);
    expect(b.data).toEqual(a.data);
    expect(
      await processed().countDocuments({ _id: JSON.stringify(['/zerochat/test', 'delivered-twice']) } as never),
    ).toBe(1);
    const runs = install.admin.lines.filter(
      (line) => line.msg === 'bootstrap started' && JSON.stringify(line).includes('delivered-twice'),
    );
    expect(runs).toHaveLength(1);
    expect(install.admin.lines).toContainEqual(
      expect.objectContaining({ msg: 'CloudEvent handled before: answering as then' }),
    );
  });

  it('treats the same id from another source as another event', async () => {
    const here = await replyOf(await send(binaryEvent({ 'ce-id': 'one-id-two-sources' })));
    const response = await send(binaryEvent({ 'ce-id': 'one-id-two-sources', 'ce-source': '/zerochat/elsewhere' }));
    const elsewhere = await replyOf(response);
    expect(elsewhere.data?.trigger).toMatchObject({ source: '/zerochat/elsewhere' });
    expect(elsewhere.id).not.toBe(here.id);
  });

  it('answers 503 when a step fails, records nothing, and runs again on the retry', async () => {
    await database.db.collection(COLLECTIONS.processedEvents).deleteMany({});
    install.kong.failWith(500);
    const init = binaryEvent({ 'ce-id': 'retried' });
    const failed = await send(init);
    expect(failed.status).toBe(503);
    const problem = (await failed.json()) as { code: string; detail: string; report: BootstrapReport };
    expect(problem.code).toBe('bootstrap_failed');
    expect(problem.detail).toContain('kong-config failed');
    expect(problem.report.steps.find((step) => step.step === 'kong-config')).toMatchObject({
      outcome: 'failed',
      reason: `Kong at ${install.kong.url}: GET /: 500 An unexpected error occurred`,
    });
    expect(await processed().countDocuments()).toBe(0);

    install.kong.failWith(undefined);
    const retried = await send(init);
    expect(retried.status).toBe(200);
    expect(((await replyOf(retried)).data as BootstrapReport).status).toBe('ok');
    expect(await processed().countDocuments()).toBe(1);
  });
});

describe('the two modes and the event sources', () => {
  it('takes a structured-mode event', async () => {
    const response = await send(
      structuredEvent({ specversion: '1.0', type: BOOTSTRAP, source: '/zerochat/structured', id: 's-1', data: {} }),
    );
    expect(response.status).toBe(200);
    expect((await replyOf(response)).data?.trigger).toMatchObject({ source: '/zerochat/structured', id: 's-1' });
  });

  it('takes a tick of the reconcile PingSource, as the Broker delivers it, as a bootstrap request', async () => {
    const response = await send(
      binaryEvent(
        {
          'ce-type': 'dev.knative.sources.ping',
          'ce-source': '/apis/v1/namespaces/zerochat/pingsources/zerochat-reconcile',
          // What the PingSource and the Broker add: nanosecond times, an extension, tracing.
          'ce-time': '2026-11-26T12:10:00.000981123Z',
          'ce-knativearrivaltime': '2026-11-26T12:10:00.0113Z',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          prefer: 'reply',
        },
        '{"reason":"reconcile"}',
      ),
    );
    expect(response.status).toBe(200);
    expect((await replyOf(response)).data?.status).toBe('ok');
  });

  it.each([
    ['another type', { 'ce-type': 'dev.example.order.created' }],
    [
      'a ping from another PingSource',
      { 'ce-type': 'dev.knative.sources.ping', 'ce-source': '/apis/v1/namespaces/zerochat/pingsources/other' },
    ],
  ])('acknowledges %s with 202, logs and counts it, and does nothing', async (_name, headers) => {
    const before = await processed().countDocuments();
    const response = await send(binaryEvent(headers));
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(response.headers.get('ce-id')).toBeNull();
    expect(await processed().countDocuments()).toBe(before);
    expect(install.admin.lines.at(-2)).toMatchObject({
      level: 'warn',
      msg: 'CloudEvent not handled here: acknowledged and dropped',
      type: headers['ce-type'],
    });
    const metrics = await (await install.admin.app.request('/metrics')).text();
    expect(metrics).toMatch(
      /zerochat_admin_events_total\{type="(other|dev\.knative\.sources\.ping)",outcome="ignored"\} [1-9]/,
    );
  });
});

describe('malformed events', () => {
  const cases: Array<[string, RequestInit, number, string]> = [
    [
      'no CloudEvent at all',
      { method: 'POST', headers: { authorization: SENDER, 'content-type': 'application/json' }, body: '{}' },
      400,
      'malformed_event',
    ],
    ['a binary event without ce-id', binaryEvent({ 'ce-id': '' }), 400, 'malformed_event'],
    ['a binary event without ce-source', binaryEvent({ 'ce-source': '' }), 400, 'malformed_event'],
    ['a binary event without ce-specversion', binaryEvent({ 'ce-specversion': '' }), 400, 'malformed_event'],
    ['CloudEvents 0.3', binaryEvent({ 'ce-specversion': '0.3' }), 400, 'malformed_event'],
    ['a bad extension name', binaryEvent({ 'ce-bad-name': 'x' }), 400, 'malformed_event'],
    ['a time that is no time', binaryEvent({ 'ce-time': 'yesterday' }), 400, 'malformed_event'],
    ['binary data that is not JSON', binaryEvent({}, '{"unterminated'), 400, 'malformed_event'],
    [
      'structured mode that is not JSON',
      {
        method: 'POST',
        headers: { authorization: SENDER, 'content-type': 'application/cloudevents+json' },
        body: '{nope',
      },
      400,
      'malformed_event',
    ],
    [
      'structured mode without an id',
      structuredEvent({ specversion: '1.0', type: BOOTSTRAP, source: '/x' }),
      400,
      'malformed_event',
    ],
    [
      'structured mode with an empty id',
      structuredEvent({ specversion: '1.0', type: BOOTSTRAP, source: '/x', id: '' }),
      400,
      'malformed_event',
    ],
    [
      'structured mode, an array',
      {
        method: 'POST',
        headers: { authorization: SENDER, 'content-type': 'application/cloudevents+json' },
        body: '[]',
      },
      400,
      'malformed_event',
    ],
    [
      'batched mode',
      {
        method: 'POST',
        headers: { authorization: SENDER, 'content-type': 'application/cloudevents-batch+json' },
        body: '[]',
      },
      400,
      'malformed_event',
    ],
    ['data that is not JSON', binaryEvent({ 'content-type': 'text/plain' }, 'hello'), 415, 'unsupported_media_type'],
    ['a body over the limit', binaryEvent({}, JSON.stringify({ pad: 'x'.repeat(70_000) })), 413, 'payload_too_large'],
    // Attributes are echoed (the reply's ce-subject, the report, the log), so their size is capped.
    ['an id of 30 KB', binaryEvent({ 'ce-id': 'x'.repeat(30_000) }), 400, 'malformed_event'],
    ['a source of 257 characters', binaryEvent({ 'ce-source': `/${'s'.repeat(256)}` }), 400, 'malformed_event'],
    [
      'a structured id of 30 KB',
      structuredEvent({ specversion: '1.0', type: BOOTSTRAP, source: '/zerochat/test', id: 'x'.repeat(30_000) }),
      400,
      'malformed_event',
    ],
    ['an extension of 1 KB', binaryEvent({ 'ce-tracestate': 'x'.repeat(1024) }), 400, 'malformed_event'],
  ];

  it.each(cases)('refuses %s, and writes nothing', async (_name, init, status, code) => {
    const before = { processed: await processed().countDocuments(), requests: install.kong.requests.length };
    const started = install.admin.lines.filter((line) => line.msg === 'bootstrap started').length;
    const response = await send(init);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe(code);
    expect(await processed().countDocuments()).toBe(before.processed);
    expect(install.kong.requests.length).toBe(before.requests);
    expect(install.admin.lines.filter((line) => line.msg === 'bootstrap started')).toHaveLength(started);
  });

  it('names what is wrong', async () => {
    const response = await send(binaryEvent({ 'ce-id': '', 'ce-type': '' }));
    expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
      { in: 'header', pointer: '/ce-id', detail: 'Required.' },
      { in: 'header', pointer: '/ce-type', detail: 'Required.' },
    ]);
  });
});

describe('who may send events', () => {
  const forged = (authorization: string | undefined, overrides: Record<string, string> = {}) => {
    const init = binaryEvent(overrides);
    const headers = { ...(init.headers as Record<string, string>) };
    if (authorization === undefined) delete headers.authorization;
    else headers.authorization = authorization;
    return { ...init, headers };
  };

  it.each([
    ['no credential', undefined],
    ['a wrong secret', 'Bearer not-the-events-secret-at-all-0123456789'],
    ['the secret as Basic', `Basic ${Buffer.from(`x:${TEST_EVENTS_SECRET}`).toString('base64')}`],
    ['an access token', 'Bearer eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.e30.sig'],
  ])('refuses %s with 401, before reading the event, and runs nothing', async (_name, authorization) => {
    const before = { processed: await processed().countDocuments(), requests: install.kong.requests.length };
    const started = install.admin.lines.filter((line) => line.msg === 'bootstrap started').length;
    const response = await send(forged(authorization));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('event_sender_unauthenticated');
    expect(await processed().countDocuments()).toBe(before.processed);
    expect(install.kong.requests.length).toBe(before.requests);
    expect(install.admin.lines.filter((line) => line.msg === 'bootstrap started')).toHaveLength(started);
    const metrics = await (await install.admin.app.request('/metrics')).text();
    expect(metrics).toMatch(/zerochat_admin_events_total\{type="other",outcome="unauthenticated"\} [1-9]/);
  });

  it('refuses a bootstrap request from a source it was not configured for, with 403', async () => {
    const before = await processed().countDocuments();
    const response = await send(binaryEvent({ 'ce-source': '/somewhere/else' }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('event_source_refused');
    expect(await processed().countDocuments()).toBe(before);
  });

  it('takes every event from anyone who reaches it with ADMIN_EVENTS_AUTH=none (a deployment that guards the route otherwise)', async () => {
    const open = adminTestApp(database.db, key, {
      ...install.names,
      OLLAMA_HOST: ollamaHost,
      ADMIN_EVENTS_AUTH: 'none',
      ADMIN_EVENT_SOURCES: '/zerochat/test',
    });
    const response = await open.app.request('/admin/events', forged(undefined, { 'ce-id': 'unguarded' }));
    expect(response.status).toBe(200);
    expect(open.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('ADMIN_EVENTS_AUTH=none') }),
    );
  });
});
