import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * A rehearsal overwrites its process's environment and leaves the function running, so each
 * one runs in a process of its own: a small function whose GET /answer answers `status`.
 */
function rehearseFunctionAnswering(status: number) {
  const script = `
    import { createFunctionApp, runFunction } from '@zerochat/runtime';
    import { rehearseColdStart } from '@zerochat/runtime/rehearsal';
    const main = () => runFunction({
      name: 'demo',
      config: {
        PORT: Number(process.env.PORT), HOST: process.env.HOST, LOG_LEVEL: 'error', SHUTDOWN_GRACE_MS: 1000,
        MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: process.env.MONGODB_DB, MONGODB_TIMEOUT_MS: 2000,
      },
      build: ({ log, lifecycle, mongo }) => {
        const app = createFunctionApp({
          name: 'demo', api: { title: 'demo', version: '1', description: 'demo' }, log, lifecycle,
          readiness: { mongodb: () => mongo.ping() }, bodyLimitBytes: 1024,
        });
        app.get('/answer', async (c) => {
          // A real round trip to the stand-in, which hands out the documents it was given.
          const found = await mongo.db.collection('things').findOne({ owner: 'anyone' });
          console.log('found', JSON.stringify(found), 'with', c.req.header('authorization')?.split('.').length, 'token parts');
          return c.json({ found }, ${status});
        });
        return app;
      },
    });
    await rehearseColdStart({
      main,
      documents: async (account) => ({ things: [{ owner: account.id }] }),
      requests: ({ bearer }) => [{ method: 'GET', path: '/answer', headers: bearer }],
    });
    console.log('rehearsed against', process.env.MONGODB_URI);
    process.exit(0);
  `;
  return run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } });
}

describe('rehearsing a cold start', () => {
  it('starts the function against the stand-in MongoDB and asks it the first requests', async () => {
    const { stdout } = await rehearseFunctionAnswering(200);
    expect(stdout).toContain('found {"owner":"000000000000000000000001"} with 3 token parts');
    expect(stdout).toMatch(/^rehearsed against mongodb:\/\/127\.0\.0\.1:\d+\/$/m);
  });

  it('fails when a request is answered with a 5xx, so that a broken build is not warmed', async () => {
    const failure = await rehearseFunctionAnswering(503).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('rehearsal: GET /answer answered 503') });
  });
});
