import { execFile } from 'node:child_process';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { testSigningKeys } from '../functions/auth/test/auth-settings.ts';
import { functionBundle } from './support/bundles.ts';
import { startFunctionProcess } from './support/function-process.ts';
import { testServices } from './support/test-services.ts';

const run = promisify(execFile);
const FUNCTIONS = ['auth', 'chat', 'admin'] as const;
const bundles: Record<string, string> = {};
/** What each function needs beyond MongoDB to start. */
const requiredEnv: Record<string, Record<string, string>> = {
  chat: { AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks' },
};

beforeAll(async () => {
  await Promise.all(
    FUNCTIONS.map(async (fn) => {
      bundles[fn] = await functionBundle(fn);
    }),
  );
  const signingKeys = await testSigningKeys();
  requiredEnv.auth = { AUTH_SIGNING_KEYS: JSON.stringify(signingKeys) };
  requiredEnv.admin = {
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: signingKeys.keys.map(({ d: _d, ...publicKey }) => publicKey) }),
    ADMIN_EVENTS_SECRET: 'the events secret of the bundle test',
  };
}, 120_000);

describe.each(FUNCTIONS)('the %s bundle', (fn) => {
  it('runs on Node 24', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('serves /healthz, /readyz and /metrics, and exits 0 on SIGTERM', async () => {
    const { mongoUri } = testServices();
    const server = await startFunctionProcess(bundles[fn] ?? '', {
      MONGODB_URI: mongoUri,
      MONGODB_DB: `bundle_${fn}`,
      ...requiredEnv[fn],
    });
    try {
      expect(await (await fetch(`${server.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${server.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: { status: 'ok' } } });
      const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
      expect(metrics).toContain(`zerochat_cold_start_seconds{service="${fn}"}`);
      expect(metrics).toContain(`http_requests_total{service="${fn}",method="GET",route="/readyz",status="200"} 1`);
      const openapi = await fetch(`${server.baseUrl}/${fn}/openapi.json`);
      expect(openapi.status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(server.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'stopped']),
    );
    // The build rehearsed a cold start and kept V8's code cache; this start compiled nothing it had.
    expect(server.logs.find((line) => line.msg === 'listening')).toMatchObject({ codeCache: 'used' });
  });

  it('stops with exit 1 and one line naming a bad variable', async () => {
    const result = await run(process.execPath, [bundles[fn] ?? ''], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: 'postgres://nope' },
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect('code' in result ? result.code : 0).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      variable: 'MONGODB_URI',
      msg: expect.stringContaining('MONGODB_URI'),
    });
  });
});

describe('the code cache of a bundle', () => {
  it('is not used for a changed bundle, and a rehearsal makes a new one', async () => {
    const dir = join(testServices().scratchDir, `edited-auth-${process.pid}`);
    await cp(dirname(bundles.auth ?? ''), dir, { recursive: true });
    // V8 itself would take the cache for any source of the same length; this edit keeps it.
    const app = join(dir, 'app.cjs');
    const source = await readFile(app, 'utf8');
    expect(source).toMatch(/app\.cjs\.map\s*$/);
    await writeFile(app, source.replace(/app\.cjs\.map(\s*)$/, 'app.cjs.mop$1'));
    const start = async () => {
      const server = await startFunctionProcess(join(dir, 'server.js'), {
        MONGODB_URI: testServices().mongoUri,
        MONGODB_DB: 'bundle_cache',
        ...requiredEnv.auth,
      });
      const listening = server.logs.find((line) => line.msg === 'listening');
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect(await server.stop('SIGTERM')).toBe(0);
      return listening?.codeCache;
    };
    expect(await start()).toBe('none');

    const { stdout } = await run(process.execPath, [join(dir, 'server.js'), '--warm-code-cache']);
    // The rehearsal ran the paths a first client takes, not their error paths.
    const answered = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number })
      .filter((line) => line.msg === 'request');
    expect(answered).toEqual([
      expect.objectContaining({ path: '/auth/me', status: 200 }),
      expect.objectContaining({ path: '/auth/login', status: 200 }),
    ]);
    expect(await readdir(join(dir, '.code-cache'))).toHaveLength(2);
    expect(await start()).toBe('used');
  });
});
