import { verify } from 'node:crypto';
import {
  composeUpstreams,
  digestFromTags,
  INTERNAL_PATHS,
  type KongDeclarativeConfig,
  KongDeclarativeConfigSchema,
  knativeUpstreams,
} from '@zerochat/kong';
import { MongoClient } from 'mongodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { buildFunctionApps } from '../../../../test/support/function-apps.ts';
import { signAccessToken, type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { routedService } from '../../../../test/support/kong-routing.ts';
import { documentedOperations } from '../../../../test/support/openapi-coverage.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../../test/kong-admin-stand-in.ts';
import { gatewayConfigRenderer } from '../kong/gateway-config.ts';
import { createKongAdmin } from '../kong/kong-admin.ts';
import { kongConfigStep } from './kong-config.ts';

// Kong cannot run here: these tests talk to a stand-in of Kong's admin API (a real HTTP
// server on loopback, test/kong-admin-stand-in.ts) that checks what it receives against
// the schemas of Kong's declarative format.

let keys: TestSigningKey[];
let standIn: KongAdminStandIn | undefined;
beforeAll(async () => {
  keys = await Promise.all([testSigningKey('key-a'), testSigningKey('key-b')]);
});
afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

function stepFor(url: string, signingKeys: TestSigningKey[], upstreams = knativeUpstreams('zerochat')) {
  const gateway = {
    admin: createKongAdmin({ url, timeoutMs: 2000 }),
    render: gatewayConfigRenderer({
      upstreams,
      corsOrigins: ['*'],
      keys: { jwks: { keys: signingKeys.map((key) => key.publicJwk) } as never },
    }),
  };
  const { log } = captureLog();
  return { run: () => kongConfigStep(gateway).run(log) };
}

const posts = (kong: KongAdminStandIn) => kong.requests.filter((request) => request.path.startsWith('/config'));
const routes = (config: KongDeclarativeConfig) => (config.services ?? []).flatMap((service) => service.routes ?? []);

describe('the Kong step with DB-less Kong', () => {
  it('posts the declarative config once (changed), then finds Kong in sync (ok)', async () => {
    standIn = await startKongAdminStandIn({ database: 'off' });
    const step = stepFor(standIn.url, keys);

    const first = await step.run();
    expect(first.outcome).toBe('changed');
    expect(first.reason).toMatch(
      /posted the config \(sha256 [0-9a-f]{12}, 2 signing keys\) to Kong 3\.9\.1 \(DB-less\)/,
    );
    expect(posts(standIn)).toHaveLength(1);
    expect(posts(standIn)[0]).toMatchObject({ method: 'POST', path: '/config?flatten_errors=1', status: 201 });
    expect(standIn.rejected).toEqual([]);

    const second = await step.run();
    expect(second).toEqual({
      outcome: 'ok',
      reason: expect.stringMatching(/runs this config \(sha256 [0-9a-f]{12}\)/),
    });
    expect(posts(standIn)).toHaveLength(1);
  });

  it('posts a config that passes the declarative schema, routes every admin API route and not /admin/events', async () => {
    standIn = await startKongAdminStandIn();
    await stepFor(standIn.url, keys, composeUpstreams()).run();
    const posted = posts(standIn)[0]?.body as KongDeclarativeConfig;
    expect(KongDeclarativeConfigSchema.safeParse(posted).success).toBe(true);

    const neverConnected = new MongoClient('mongodb://127.0.0.1:1/').db('unused');
    const apps = await buildFunctionApps({ db: neverConnected, ping: async () => {} });
    for (const [fn, app] of Object.entries(apps)) {
      for (const operation of documentedOperations(app)) {
        const [method = '', path = ''] = operation.split(' ');
        const sample = path.replace(/:\w+/g, '65a1f0c2b3d4e5f6a7b8c9d0');
        expect(routedService(posted, method, sample), operation).toBe(INTERNAL_PATHS.includes(path) ? undefined : fn);
      }
    }
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(routedService(posted, method, '/admin/events'), method).toBeUndefined();
    }
    expect(routes(posted).find((route) => route.name === 'chat-messages')?.response_buffering).toBe(false);
  });

  it('gives Kong one ES256 credential per published key, each verifying what that key signs', async () => {
    standIn = await startKongAdminStandIn();
    await stepFor(standIn.url, keys).run();
    const posted = standIn.config();
    expect(posted?.consumers?.map((consumer) => consumer.custom_id)).toEqual(['key-a', 'key-b']);
    for (const key of keys) {
      const secret = posted?.consumers?.find((consumer) => consumer.custom_id === key.kid)?.jwt_secrets?.[0];
      expect(secret).toMatchObject({ key: key.kid, algorithm: 'ES256' });
      const [header = '', payload = '', signature = ''] = (await signAccessToken(key)).split('.');
      const valid = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: secret?.rsa_public_key ?? '', dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
      expect(valid, key.kid).toBe(true);
    }
    const jwt = routes(posted as KongDeclarativeConfig)
      .find((route) => route.name === 'admin-status')
      ?.plugins?.find((plugin) => plugin.name === 'jwt');
    expect(jwt?.config).toMatchObject({ key_claim_name: 'kid', claims_to_verify: ['exp'] });
  });

  it('posts again when the keys change (a rotation), and not after', async () => {
    standIn = await startKongAdminStandIn();
    expect((await stepFor(standIn.url, keys.slice(0, 1)).run()).outcome).toBe('changed');
    const rotated = stepFor(standIn.url, keys);
    expect((await rotated.run()).outcome).toBe('changed');
    expect((await rotated.run()).outcome).toBe('ok');
    expect(posts(standIn)).toHaveLength(2);
    expect(digestFromTags(standIn.config()?.services?.[0]?.tags)).toBeDefined();
  });

  it('fails with the reason when Kong refuses the config or answers an error', async () => {
    standIn = await startKongAdminStandIn();
    standIn.failWith(500);
    const failed = await stepFor(standIn.url, keys).run();
    expect(failed).toEqual({
      outcome: 'failed',
      reason: `Kong at ${standIn.url}: GET /: 500 An unexpected error occurred`,
    });
  });

  it('fails, naming the address, when Kong is unreachable', async () => {
    standIn = await startKongAdminStandIn();
    const url = standIn.url;
    await standIn.stop();
    standIn = undefined;
    expect(await stepFor(url, keys).run()).toEqual({
      outcome: 'failed',
      reason: `Kong at ${url}: unreachable (ECONNREFUSED)`,
    });
  });

  it('does nothing without KONG_ADMIN_URL', async () => {
    expect(await kongConfigStep(undefined).run(captureLog().log)).toEqual({
      outcome: 'ok',
      reason: 'KONG_ADMIN_URL is not set: no gateway to configure',
    });
  });
});

describe('the Kong step with Kong on PostgreSQL (DB mode)', () => {
  it('writes every entity with PUT by name (changed), then finds Kong in sync (ok)', async () => {
    standIn = await startKongAdminStandIn({ database: 'postgres' });
    const step = stepFor(standIn.url, keys);
    const first = await step.run();
    expect(first.outcome, first.reason).toBe('changed');
    expect(first.reason).toMatch(
      /wrote \d+ entities by name .* and removed 0 stale ones in Kong 3\.9\.1 \(on postgres\)/,
    );
    expect(standIn.rejected).toEqual([]);
    const writes = standIn.requests.filter((request) => request.method !== 'GET');
    expect(new Set(writes.map((request) => request.method))).toEqual(new Set(['PUT', 'POST', 'PATCH']));
    expect(writes.every((request) => request.status < 300)).toBe(true);

    const rendered = await gatewayConfigRenderer({
      upstreams: knativeUpstreams('zerochat'),
      corsOrigins: ['*'],
      keys: { jwks: { keys: keys.map((key) => key.publicJwk) } as never },
    })();
    expect([...standIn.entities('services').keys()]).toEqual(['auth', 'chat', 'admin', 'web']);
    expect([...standIn.entities('routes').keys()].sort()).toEqual(
      routes(rendered)
        .map((route) => route.name)
        .sort(),
    );
    expect([...standIn.entities('consumers').keys()]).toEqual(['signing-key-key-a', 'signing-key-key-b']);
    expect([...standIn.entities('jwts').keys()]).toEqual(['key-a', 'key-b']);
    expect(standIn.entities('routes').get('admin-status')).toMatchObject({ service: { name: 'admin' } });
    expect(standIn.entities('plugins').get('admin-status-jwt')).toMatchObject({
      name: 'jwt',
      route: { name: 'admin-status' },
    });
    expect(standIn.entities('plugins').get('zerochat-cors')).toMatchObject({ name: 'cors' });
    expect(standIn.entities('targets').size).toBe(4);
    for (const service of standIn.entities('services').values()) {
      expect(digestFromTags(service.tags as string[])).toBe(digestFromTags(rendered.services?.[0]?.tags));
    }

    const requestsBefore = standIn.requests.length;
    expect((await step.run()).outcome).toBe('ok');
    expect(standIn.requests.slice(requestsBefore).every((request) => request.method === 'GET')).toBe(true);
  });

  it('removes the credential of a key that was dropped, and nothing it does not own', async () => {
    standIn = await startKongAdminStandIn({ database: 'postgres' });
    await stepFor(standIn.url, keys).run();
    standIn.entities('consumers').set('someone-else', { id: 'c0ffee', username: 'someone-else', tags: ['team-b'] });
    const dropped = await stepFor(standIn.url, keys.slice(1)).run();
    expect(dropped.reason).toMatch(/removed 1 stale ones/);
    expect([...standIn.entities('consumers').keys()]).toEqual(['signing-key-key-b', 'someone-else']);
    expect(standIn.rejected).toEqual([]);
  });

  it('updates an existing target instead of failing on it', async () => {
    standIn = await startKongAdminStandIn({ database: 'postgres' });
    await stepFor(standIn.url, keys).run();
    for (const service of standIn.entities('services').values()) service.tags = ['zerochat'];
    expect((await stepFor(standIn.url, keys).run()).outcome).toBe('changed');
    const targetWrites = standIn.requests.filter((request) => request.path.includes('/targets'));
    // One upstream (and target) per function.
    expect(targetWrites.filter((request) => request.status === 409)).toHaveLength(4);
    expect(targetWrites.filter((request) => request.method === 'PUT' && request.status === 200)).toHaveLength(4);
  });
});
