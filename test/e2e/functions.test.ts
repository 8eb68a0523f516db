// The functions as they run in a cluster: each its production bundle in a process of its
// own, sharing only MongoDB, Ollama and the key set. The install is bootstrapped over a
// CloudEvent first, as the install Job does; then a user's journey; then the admin's view.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@zerochat/local-services';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicJwk } from '../../functions/auth/src/signing-keys.ts';
import { testSigningKeys } from '../../functions/auth/test/auth-settings.ts';
import { functionBundle } from '../support/bundles.ts';
import { type FunctionProcess, startFunctionProcess } from '../support/function-process.ts';
import { apiClient } from '../support/http-client.ts';
import { testServices, useTestDatabase } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';
import { walkJourney } from './journey.ts';

const database = useTestDatabase();
const processes: FunctionProcess[] = [];
const ADMIN = { email: 'admin@example.com', password: 'an admin password' };
const EVENTS_SECRET = 'the events secret of this test, 32+ chars';

async function startFunctions() {
  const keys = await testSigningKeys();
  const { ollamaHost, tinyModel } = testServices();
  const common = {
    MONGODB_URI: database.uri,
    MONGODB_DB: database.name,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: keys.keys.map(publicJwk) }),
    OLLAMA_HOST: ollamaHost,
  };
  const [auth, chat, admin] = await Promise.all([
    startFunctionProcess(await functionBundle('auth'), { ...common, AUTH_SIGNING_KEYS: JSON.stringify(keys) }),
    // The default model is "zerochat", which the bootstrap creates.
    startFunctionProcess(await functionBundle('chat'), common),
    startFunctionProcess(await functionBundle('admin'), {
      ...common,
      // Offline, the tiny model stands in for the base the Modelfile names.
      ZEROCHAT_BASE_MODEL: tinyModel,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      ADMIN_EVENTS_SECRET: EVENTS_SECRET,
      ADMIN_EVENT_SOURCES: '/zerochat/e2e',
    }),
  ]);
  processes.push(auth, chat, admin);
  return { auth: apiClient(auth.baseUrl), chat: apiClient(chat.baseUrl), admin: apiClient(admin.baseUrl) };
}

afterAll(async () => {
  for (const process of processes) await process.stop('SIGTERM');
});

describe('the functions as separate processes', () => {
  let functions: Awaited<ReturnType<typeof startFunctions>>;
  /** What `npm run bootstrap` printed: the install is bootstrapped once, before the tests. */
  let bootstrapped: string;
  beforeAll(async () => {
    functions = await startFunctions();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'functions/admin/bin/send-bootstrap-event.ts'),
        '--sink',
        `${functions.admin.baseUrl}/admin/events`,
        '--source',
        '/zerochat/e2e',
        '--attempts',
        '1',
      ],
      { env: { ...process.env, ADMIN_EVENTS_SECRET: EVENTS_SECRET } },
    );
    bootstrapped = stdout;
  });

  it('are bootstrapped by the CloudEvent that `npm run bootstrap` sends', () => {
    expect(bootstrapped).toMatch(/accepted \(200\)/);
    expect(bootstrapped).toMatch(/admin-account +changed/);
    expect(bootstrapped).toMatch(/ollama-models +(changed|ok) +.*zerochat:latest/);
  });

  // One test: the admin's view is of what the journey left, and the processes stop after both.
  it("carry a user from registration to logout and through an API key, show the admin the installation's status, and each exit 0 on SIGTERM", async () => {
    const journey = await walkJourney({ auth: functions.auth, chat: functions.chat });

    // The user makes an API key for the OpenAI client at chat; an admin revokes it everywhere
    // within 5 s. /v1 stores no conversation, so the admin's counts below are the journey's.
    const keyOwner = await functions.auth.json<{ accessToken: string; user: { id: string } }>('POST', '/auth/login', {
      body: { email: journey.email, password: journey.password },
    });
    const made = await functions.auth.json<{ key: string; apiKey: { id: string } }>('POST', '/auth/api-keys', {
      token: keyOwner.body.accessToken,
      body: { name: 'e2e' },
    });
    expect(made.status).toBe(201);
    const client = new OpenAI({ apiKey: made.body.key, baseURL: `${functions.chat.baseUrl}/v1`, maxRetries: 0 });
    expect((await client.models.list()).data.map((model) => model.id)).toContain('zerochat:latest');
    const completion = await client.chat.completions.create({
      model: 'zerochat:latest',
      messages: [{ role: 'user', content: 'Hello' }],
      max_completion_tokens: 3,
    });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    const keys = async () =>
      (
        await functions.auth.json<{ apiKeys: Array<{ usage: { requests: number } }> }>('GET', '/auth/api-keys', {
          token: keyOwner.body.accessToken,
        })
      ).body.apiKeys;
    await waitFor(async () => (await keys())[0]?.usage.requests === 2);

    const admin = await functions.auth.json<{ accessToken: string }>('POST', '/auth/login', { body: ADMIN });
    const theirs = `/admin/users/${keyOwner.body.user.id}/api-keys`;
    const listed = await functions.admin.json<{ apiKeys: Array<{ id: string }> }>('GET', theirs, {
      token: admin.body.accessToken,
    });
    expect(listed.body.apiKeys.map((key) => key.id)).toEqual([made.body.apiKey.id]);
    const revoked = await functions.admin.call('DELETE', `${theirs}/${made.body.apiKey.id}`, {
      token: admin.body.accessToken,
    });
    expect(revoked.status).toBe(204);
    const refused = async () =>
      (await client.models.list().catch((error: unknown) => error)) instanceof OpenAI.AuthenticationError;
    await waitFor(refused, 5000);
    expect(await keys()).toEqual([]);

    const login = await functions.auth.json<{ accessToken: string; user: { role: string } }>('POST', '/auth/login', {
      body: ADMIN,
    });
    expect(login.body.user.role).toBe('admin');
    const status = await functions.admin.json('GET', '/admin/status', { token: login.body.accessToken });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      mongodb: { status: 'ok', users: { total: 2, admins: 1 }, conversations: 1, messages: 2 },
      ollama: { status: 'ok', zerochatModel: { name: 'zerochat:latest' } },
    });
    // The journey ended with a logout: its token is refused everywhere; a user's live token is not enough.
    expect((await functions.admin.json('GET', '/admin/status', { token: journey.accessToken })).body).toMatchObject({
      status: 401,
      code: 'session_ended',
    });
    const user = await functions.auth.json<{ accessToken: string }>('POST', '/auth/login', {
      body: { email: journey.email, password: journey.password },
    });
    expect((await functions.admin.json('GET', '/admin/status', { token: user.body.accessToken })).body).toMatchObject({
      status: 403,
      code: 'forbidden',
    });

    for (const process of processes.splice(0)) expect(await process.stop('SIGTERM')).toBe(0);
  });
});
