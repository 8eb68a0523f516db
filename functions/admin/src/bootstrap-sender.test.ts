import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLifecycle, serveFunction } from '@zerochat/runtime';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { captureLog } from '../../../test/support/capture-log.ts';
import { testSigningKey } from '../../../test/support/keys.ts';
import { testServices, useTestDatabase } from '../../../test/support/test-services.ts';
import { adminTestApp, tinyBaseModel, uniqueModelNames } from '../test/admin-harness.ts';
import { TEST_EVENTS_SECRET } from '../test/admin-settings.ts';
import type { BootstrapReport } from './bootstrap/bootstrap.ts';
import { DeliveryError, sendBootstrapEvent, tokenFile } from './bootstrap-sender.ts';

// The sender against the admin app on a real socket, as compose's one-shot container uses it.

const database = useTestDatabase();
const { ollamaHost } = testServices();
let sink = '';
let stop = async () => {};

beforeAll(async () => {
  const admin = adminTestApp(
    database.db,
    await testSigningKey(),
    { ...uniqueModelNames(), OLLAMA_HOST: ollamaHost, ADMIN_EVENT_SOURCES: '/zerochat/test-sender' },
    { baseModelSource: tinyBaseModel(ollamaHost) },
  );
  const { log } = captureLog();
  const running = await serveFunction({
    fetch: admin.app.fetch,
    port: 0,
    host: '127.0.0.1',
    log,
    lifecycle: createLifecycle(),
    graceMs: 1000,
    signals: [],
  });
  sink = `http://127.0.0.1:${running.port}/admin/events`;
  stop = () => running.shutdown('test done');
});
afterAll(() => stop());

describe('sendBootstrapEvent', () => {
  it.each(['binary', 'structured'] as const)('delivers in %s mode and reads the reply event', async (mode) => {
    const lines: string[] = [];
    const delivery = await sendBootstrapEvent({
      sink,
      source: '/zerochat/test-sender',
      credential: TEST_EVENTS_SECRET,
      mode,
      report: (line) => lines.push(line),
    });
    expect(delivery.status).toBe(200);
    expect(delivery.reply).toMatchObject({ type: 'dev.zerochat.admin.bootstrap.completed', source: '/zerochat/admin' });
    const report = delivery.reply?.data as BootstrapReport;
    expect(report.trigger).toMatchObject({ kind: 'event', source: '/zerochat/test-sender' });
    expect(['ok', 'changed']).toContain(report.status);
    expect(lines[0]).toMatch(
      /^sending dev\.zerochat\.admin\.bootstrap\.requested [0-9a-f-]{36} from \/zerochat\/test-sender to http/,
    );
  });

  it('is refused without the events secret, and does not retry that', async () => {
    await expect(
      sendBootstrapEvent({ sink, source: '/zerochat/test-sender', attempts: 3, retryDelayMs: 1 }),
    ).rejects.toMatchObject({ name: 'DeliveryError', status: 401 });
  });

  it('retries a sink that is not up yet or fails, with the same event id, and gives up after the attempts', async () => {
    const seen: Array<{ status: number; id: string | undefined }> = [];
    const answers = [503, 502, 202];
    const broker = createServer((request, response) => {
      const status = answers.shift() ?? 500;
      seen.push({ status, id: request.headers['ce-id'] as string | undefined });
      response.writeHead(status).end();
    });
    broker.listen(0, '127.0.0.1');
    await new Promise((resolve) => broker.once('listening', resolve));
    const url = `http://127.0.0.1:${(broker.address() as AddressInfo).port}`;
    try {
      const delivery = await sendBootstrapEvent({ sink: url, source: '/s', retryDelayMs: 10, attempts: 5 });
      expect(delivery).toEqual({ status: 202, reply: undefined });
      expect(seen.map((attempt) => attempt.status)).toEqual([503, 502, 202]);
      expect(new Set(seen.map((attempt) => attempt.id)).size).toBe(1);

      answers.push(500, 500);
      await expect(
        sendBootstrapEvent({ sink: url, source: '/s', retryDelayMs: 10, attempts: 2 }),
      ).rejects.toMatchObject({
        name: 'DeliveryError',
        status: 500,
      });
    } finally {
      broker.close();
    }
  });

  it("presents the token file's token (a SinkBinding's OIDC token), read afresh at each attempt, and none without the file", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'zerochat-oidc-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const path = join(folder, 'token');
    const seen: Array<string | undefined> = [];
    let renewed = false;
    const broker: typeof fetch = async (_url, init) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? undefined);
      // The first attempt fails; Eventing renews the token before the second.
      if (!renewed) {
        renewed = true;
        await writeFile(path, 'renewed.token.value\n');
        return new Response('', { status: 503 });
      }
      return new Response('', { status: 202 });
    };
    await writeFile(path, 'first.token.value\n');
    await sendBootstrapEvent({
      sink: 'http://broker.invalid',
      source: '/s',
      fetch: broker,
      credential: tokenFile(path),
      retryDelayMs: 1,
    });
    expect(seen).toEqual(['Bearer first.token.value', 'Bearer renewed.token.value']);

    seen.length = 0;
    await sendBootstrapEvent({
      sink: 'http://broker.invalid',
      source: '/s',
      fetch: broker,
      credential: tokenFile(join(folder, 'absent')),
    });
    expect(seen).toEqual([undefined]);
  });

  it('does not retry an event the sink refuses as malformed', async () => {
    let attempts = 0;
    const refusing: typeof fetch = async () => {
      attempts++;
      return new Response('{"code":"malformed_event"}', { status: 400 });
    };
    const sent = sendBootstrapEvent({ sink: 'http://sink.invalid', source: '/s', fetch: refusing, retryDelayMs: 1 });
    await expect(sent).rejects.toBeInstanceOf(DeliveryError);
    expect(attempts).toBe(1);
  });
});
