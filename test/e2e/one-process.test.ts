// `npm start` as a new user runs it: one process, the embedded FerretDB, secrets generated
// into its data folder, then the same journey as across separate functions; a second start
// reuses everything, and a stop leaves nothing running.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, reapLeftovers } from '@zerochat/local-services';
import { afterAll, describe, expect, it } from 'vitest';
import { type FunctionProcess, startFunctionProcess } from '../support/function-process.ts';
import { apiClient } from '../support/http-client.ts';
import { testServices, useTestDatabase } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';
import { walkJourney } from './journey.ts';

const LAUNCHER = join(REPO_ROOT, 'local/start.ts');
const database = useTestDatabase();
const started: Array<{ process: FunctionProcess; dataDir: string }> = [];
afterAll(async () => {
  // Also after a failed test: stopped as a person would (it stops what it started), and
  // whatever a launcher that died left behind is found by its pid records.
  for (const { process, dataDir } of started) {
    await process.stop('SIGTERM');
    await reapLeftovers(join(dataDir, 'run'));
  }
});

async function npmStart(env: Record<string, string> & { ZEROCHAT_DATA_DIR: string }): Promise<FunctionProcess> {
  const process = await startFunctionProcess(LAUNCHER, { LOG_LEVEL: 'info', ...env });
  started.push({ process, dataDir: env.ZEROCHAT_DATA_DIR });
  return process;
}

/** The pids of the servers the launcher started, from its pid records. */
async function startedPids(dataDir: string): Promise<number[]> {
  const records = await readdir(join(dataDir, 'run'));
  return Promise.all(
    records.map(
      async (name) => (JSON.parse(await readFile(join(dataDir, 'run', name), 'utf8')) as { pid: number }).pid,
    ),
  );
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start with no MONGODB_URI (the embedded FerretDB)', () => {
  // One test: the second start is about what the first left in the data folder. Two starts of
  // npm start with the embedded FerretDB, hence the time allowed.
  it('starts on a fresh data folder, with secrets only its owner can read, and carries the journey; a second start reuses the keys, the admin password and the data', async () => {
    const dataDir = join(await mkdtemp(join(testServices().scratchDir, 'npm-start-')), '.data');
    const zerochat = await npmStart({
      ZEROCHAT_DATA_DIR: dataDir,
      ZEROCHAT_CACHE_DIR: testServices().cacheDir,
      OLLAMA_HOST: testServices().ollamaHost,
      // Offline, the base model cannot be pulled; the tiny model is registered already.
      ZEROCHAT_BASE_MODEL: testServices().tinyModel,
    });
    for (const file of ['signing-keys.json', 'admin.json']) {
      expect((await stat(join(dataDir, file))).mode & 0o777, file).toBe(0o600);
    }
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    const client = apiClient(zerochat.baseUrl);
    // The printed sequence, pasted into a shell, logs the admin in and streams a reply.
    await waitFor(async () => zerochat.stderr.includes('Ctrl-C stops zerochat'));
    const printed = zerochat.stderr.slice(zerochat.stderr.indexOf('TOKEN=$(curl'), zerochat.stderr.indexOf('Ctrl-C'));
    const { stdout: streamed } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', printed], {
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(streamed).toMatch(/^event: message\.start$/m);
    expect(streamed).toMatch(/^event: message\.done$/m);

    expect((await client.json('GET', '/readyz')).body).toMatchObject({
      status: 'ready',
      functions: { auth: { status: 'ready' }, chat: { status: 'ready' }, admin: { status: 'ready' } },
    });
    const journey = await walkJourney({ auth: client, chat: client });
    // The data went into the SQLite files under the data folder.
    expect(await readdir(join(dataDir, 'ferretdb'))).toContain('zerochat.sqlite');
    // The journey ended with a logout; a new session's token is the one to carry over.
    const again = await client.json<{ accessToken: string }>('POST', '/auth/login', {
      body: { email: journey.email, password: journey.password },
    });
    const firstRun = {
      ...journey,
      accessToken: again.body.accessToken,
      signingKeys: await readFile(join(dataDir, 'signing-keys.json'), 'utf8'),
      admin: await readFile(join(dataDir, 'admin.json'), 'utf8'),
    };

    // One exposition for the process: every family declared once, each function's series in it.
    const metrics = await (await client.call('GET', '/metrics')).text();
    expect(metrics.match(/^# TYPE http_requests_total /gm)).toHaveLength(1);
    for (const fn of ['auth', 'chat']) expect(metrics).toContain(`http_requests_total{service="${fn}"`);
    expect((await client.json('GET', '/nowhere')).body).toMatchObject({ status: 404, code: 'not_found' });

    // The bootstrap ran at start: the admin from admin.json sees the zerochat model in Ollama.
    const admin = await client.json<{ accessToken: string }>('POST', '/auth/login', {
      body: JSON.parse(firstRun.admin),
    });
    const status = await client.json('GET', '/admin/status', { token: admin.body.accessToken });
    expect(status.body).toMatchObject({
      mongodb: { status: 'ok' },
      ollama: { status: 'ok', zerochatModel: { name: 'zerochat:latest' } },
    });
    // CloudEvents are not served to the network, as behind Kong: the bootstrap ran in-process.
    const event = await client.json('POST', '/admin/events', {
      headers: {
        'ce-specversion': '1.0',
        'ce-type': 'dev.zerochat.admin.bootstrap.requested',
        'ce-source': '/zerochat/local',
        'ce-id': crypto.randomUUID(),
      },
      body: {},
    });
    expect(event.body).toMatchObject({ status: 404, code: 'not_found' });
    // Another bootstrap, asked for by the admin, finds nothing to do.
    const bootstrap = await client.json<{ status: string }>('POST', '/admin/bootstrap', {
      token: admin.body.accessToken,
    });
    expect(bootstrap.status).toBe(200);
    expect(bootstrap.body.status).toBe('ok');

    const pids = await startedPids(dataDir);
    expect(pids).toHaveLength(1);
    expect(await zerochat.stop('SIGINT')).toBe(0);
    expect(pids.filter(isRunning)).toEqual([]);

    await startAgain(dataDir, firstRun);
  }, 90_000);
});

/** The second start on a data folder the first one left: the same keys, admin and data. */
async function startAgain(
  dataDir: string,
  firstRun: { email: string; password: string; accessToken: string; signingKeys: string; admin: string },
) {
  const zerochat = await npmStart({
    ZEROCHAT_DATA_DIR: dataDir,
    ZEROCHAT_CACHE_DIR: testServices().cacheDir,
    OLLAMA_HOST: testServices().ollamaHost,
    ZEROCHAT_BASE_MODEL: testServices().tinyModel,
  });
  expect(await readFile(join(dataDir, 'signing-keys.json'), 'utf8')).toBe(firstRun.signingKeys);
  expect(await readFile(join(dataDir, 'admin.json'), 'utf8')).toBe(firstRun.admin);
  const client = apiClient(zerochat.baseUrl);
  // An access token from the first run still verifies: the same keys.
  const listed = await client.json<{ items: unknown[] }>('GET', '/chat/conversations', {
    token: firstRun.accessToken,
  });
  expect(listed.status).toBe(200);
  expect(listed.body.items).toHaveLength(1);
  const login = await client.json('POST', '/auth/login', {
    body: { email: firstRun.email, password: firstRun.password },
  });
  expect(login.status).toBe(200);

  const pids = await startedPids(dataDir);
  expect(await zerochat.stop('SIGTERM')).toBe(0);
  expect(pids.filter(isRunning)).toEqual([]);
}

describe('npm start where no Ollama can be had', () => {
  it('serves auth, and chat answers 503 upstream_unavailable saying how to provide one', async () => {
    const dataDir = join(await mkdtemp(join(testServices().scratchDir, 'npm-start-')), '.data');
    const zerochat = await npmStart({
      ZEROCHAT_DATA_DIR: dataDir,
      MONGODB_URI: database.uri,
      MONGODB_DB: database.name,
      // No ollama on PATH, no Go to build one, nothing cached.
      PATH: dirname(process.execPath),
      ZEROCHAT_CACHE_DIR: await mkdtemp(join(testServices().scratchDir, 'empty-cache-')),
    });
    const client = apiClient(zerochat.baseUrl);
    const email = 'no-ollama@example.com';
    const password = 'correct horse battery';
    expect((await client.call('POST', '/auth/register', { body: { email, password } })).status).toBe(201);
    const login = await client.json<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken;

    const models = await client.json('GET', '/chat/models', { token });
    expect(models.status).toBe(503);
    expect(models.body).toMatchObject({ code: 'upstream_unavailable', detail: expect.stringContaining('OLLAMA_HOST') });
    const conversation = await client.json<{ id: string }>('POST', '/chat/conversations', { token, body: {} });
    expect(conversation.status).toBe(201);
    const reply = await client.json('POST', `/chat/conversations/${conversation.body.id}/messages`, {
      token,
      body: { content: 'hello?' },
    });
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ code: 'upstream_unavailable', detail: expect.stringContaining('OLLAMA_HOST') });
    expect(await zerochat.stop('SIGINT')).toBe(0);
  });
});

describe('npm start on a port that is taken', () => {
  it('stops at once with one line that says what to do, having started nothing', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    const dataDir = join(await mkdtemp(join(testServices().scratchDir, 'npm-start-')), '.data');
    try {
      const failed = await promisify(execFile)(process.execPath, [LAUNCHER], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port), ZEROCHAT_DATA_DIR: dataDir },
      }).catch((error: { code: number; stderr: string }) => error);
      expect('code' in failed ? failed.code : 0).toBe(1);
      expect(failed.stderr).toContain(`npm start failed: port ${port} on 127.0.0.1 is in use`);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
      await expect(stat(dataDir)).rejects.toThrow();
    } finally {
      blocker.close();
    }
  });
});
