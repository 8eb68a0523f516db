import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { registerTinyModel } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../../../test/support/bundles.ts';
import { type FunctionProcess, startFunctionProcess } from '../../../test/support/function-process.ts';
import {
  liveTestSession,
  signAccessToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestSigningKey,
  testSigningKey,
} from '../../../test/support/keys.ts';
import { testServices, useTestDatabase } from '../../../test/support/test-services.ts';
import { uniqueModelNames } from '../test/admin-harness.ts';
import { TEST_EVENTS_SECRET } from '../test/admin-settings.ts';
import { type KongAdminStandIn, startKongAdminStandIn } from '../test/kong-admin-stand-in.ts';
import type { StatusDocument } from './status/status.ts';

// The admin bundle as its own process, bootstrapped over a real socket by the bundled sender,
// as compose's one-shot container does it. Kong is the stand-in of its admin API; the base
// model is registered from the tiny model beforehand, since the bundle would pull it.

const run = promisify(execFile);
const database = useTestDatabase();
const { ollamaHost } = testServices();
let outdir: string;
let key: TestSigningKey;
let kong: KongAdminStandIn;
let env: Record<string, string>;
let admin: FunctionProcess;
/** What the bundled sender printed for the first bootstrap of this file's install. */
let bootstrapped: Awaited<ReturnType<typeof sendEvent>>;

const startAdmin = () => startFunctionProcess(join(outdir, 'server.js'), env);
const sendEvent = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(outdir, 'send-bootstrap-event.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ADMIN_EVENTS_SECRET: TEST_EVENTS_SECRET, ...env },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);

beforeAll(async () => {
  // The run's shared build (test/support/bundles.ts), not one more of its own.
  outdir = dirname(await functionBundle('admin'));
  key = await testSigningKey();
  kong = await startKongAdminStandIn();
  const names = uniqueModelNames();
  await registerTinyModel(ollamaHost, names.ZEROCHAT_BASE_MODEL);
  env = {
    MONGODB_URI: database.uri,
    MONGODB_DB: database.name,
    OLLAMA_HOST: ollamaHost,
    ...names,
    KONG_ADMIN_URL: kong.url,
    KONG_UPSTREAMS: 'compose',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: [key.publicJwk] }),
    BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
    BOOTSTRAP_ADMIN_PASSWORD: 'first admin password',
    ADMIN_EVENTS_SECRET: TEST_EVENTS_SECRET,
  };
  admin = await startAdmin();
  // The install is bootstrapped once, here, so every test below finds it bootstrapped.
  bootstrapped = await sendEvent(['--sink', `${admin.baseUrl}/admin/events`, '--source', '/zerochat/compose']);
}, 120_000);
afterAll(async () => {
  await admin?.stop();
  await kong?.stop();
});

describe('the admin bundle over real sockets', () => {
  it('bootstraps when the bundled sender sends the event, and prints the report', () => {
    const sent = bootstrapped;
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toMatch(/accepted \(200\)/);
    for (const step of ['mongodb-indexes', 'admin-account', 'ollama-models', 'kong-config']) {
      expect(sent.stdout).toMatch(new RegExp(`^  ${step} +changed `, 'm'));
    }
    expect(sent.stdout).toMatch(/^bootstrap changed in \d+\.\d s$/m);
    expect(kong.rejected).toEqual([]);
    expect(kong.config()?.consumers).toHaveLength(1);
  });

  it('changes nothing the second time; the sink can come from K_SINK, as under a SinkBinding', async () => {
    const sent = await sendEvent(['--structured'], { K_SINK: `${admin.baseUrl}/admin/events` });
    expect(sent.stdout).toMatch(/^bootstrap ok in /m);
    expect(sent.stdout).not.toMatch(/ changed /);
  });

  it('exits 1 with one line when the sink refuses the event', async () => {
    const refused = await sendEvent(['--sink', `${admin.baseUrl}/admin/nowhere`, '--attempts', '1']);
    expect('code' in refused ? refused.code : 0).toBe(1);
    expect(refused.stderr).toMatch(/^send-bootstrap-event: the sink answered 404/);
  });

  it('serves /admin/status to the admin the bootstrap made', async () => {
    const root = await database.db.collection<UserDocument>(COLLECTIONS.users).findOne({ email: 'root@example.com' });
    await liveTestSession(database.db);
    const token = await signAccessToken(key, { claims: { sub: root?._id.toHexString(), role: 'admin' } });
    const response = await fetch(`${admin.baseUrl}/admin/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const status = (await response.json()) as StatusDocument;
    expect(status).toMatchObject({
      status: 'ok',
      mongodb: { status: 'ok', users: { admins: 1 } },
      ollama: { status: 'ok', zerochatModel: { installed: true } },
      kong: { status: 'ok', configInSync: true, mode: 'db-less' },
      knative: { status: 'not_configured' },
    });
  });

  it('stops with exit 0 on SIGTERM', async () => {
    // A process of this test's own: the others keep theirs, whatever order they run in.
    const own = await startAdmin();
    expect(await own.stop('SIGTERM')).toBe(0);
  });
});
