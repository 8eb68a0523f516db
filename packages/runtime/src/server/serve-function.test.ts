import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { streamSSE } from 'hono/streaming';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { createFunctionApp } from '../http/function-app.ts';
import { createLifecycle } from './lifecycle.ts';
import { type ServeFunctionOptions, serveFunction } from './serve-function.ts';

async function startDemo(graceMs: number, timeouts: Pick<ServeFunctionOptions, 'headersTimeoutMs'> = {}) {
  const { log, lines } = captureLog();
  const lifecycle = createLifecycle();
  const app = createFunctionApp({
    name: 'demo',
    api: { title: 'demo', version: '1', description: 'd' },
    log,
    lifecycle,
    readiness: {},
    bodyLimitBytes: 1024,
  });
  app.get('/demo/slow', async (c) => {
    await sleep(400);
    return c.json({ done: true });
  });
  app.get('/demo/stream', (c) =>
    streamSSE(c, async (stream) => {
      for (let i = 0; i < 6; i++) {
        await stream.writeSSE({ event: 'tick', data: String(i) });
        await sleep(100);
      }
      // Work that outlives the response, as saving a finished stream does.
      void lifecycle.track(sleep(200).then(() => events.push('saved')));
    }),
  );
  // Work that runs on with no request at all (a reply nobody reads any more), until it is done
  // or the grace period is over.
  app.get('/demo/background', (c) => {
    void lifecycle.track(
      sleep(Number(c.req.query('ms')), undefined, { signal: lifecycle.graceOver }).then(
        () => events.push('background done'),
        () => events.push('background cut at the end of the grace'),
      ),
    );
    return c.body(null, 202);
  });
  app.post('/demo/echo', async (c) => c.json(await c.req.json()));
  const events: string[] = [];
  const running = await serveFunction({
    fetch: app.fetch,
    port: 0,
    host: '127.0.0.1',
    log,
    lifecycle,
    graceMs,
    ...timeouts,
    signals: [],
    close: async () => {
      events.push('closed');
    },
  });
  return { running, events, lines, base: `http://127.0.0.1:${running.port}` };
}

describe('serveFunction shutdown', () => {
  it('lets in-flight requests and streams finish, refuses new ones, then closes dependencies', async () => {
    const { running, events, base } = await startDemo(5000);
    const slow = fetch(`${base}/demo/slow`);
    const stream = fetch(`${base}/demo/stream`).then((response) => response.text());
    await sleep(100);

    const stopped = running.shutdown('test');
    await sleep(50);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const slowResponse = await slow;
    expect(slowResponse.status).toBe(200);
    expect(await slowResponse.json()).toEqual({ done: true });
    const streamed = await stream;
    expect(streamed.match(/event: tick/g)).toHaveLength(6);

    await stopped;
    // The stream's final save ran before the database was closed.
    expect(events).toEqual(['saved', 'closed']);
  });

  it('gives work without a request the rest of the grace period, and cuts it at its end', async () => {
    const within = await startDemo(3000);
    expect((await fetch(`${within.base}/demo/background?ms=600`)).status).toBe(202);
    await within.running.shutdown('test');
    expect(within.events).toEqual(['background done', 'closed']);

    const beyond = await startDemo(300);
    expect((await fetch(`${beyond.base}/demo/background?ms=60000`)).status).toBe(202);
    const started = performance.now();
    await beyond.running.shutdown('test');
    expect(beyond.events).toEqual(['background cut at the end of the grace', 'closed']);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('cuts requests that outlast the grace period, and still closes', async () => {
    const { running, events, base, lines } = await startDemo(150);
    const stream = fetch(`${base}/demo/stream`).then((response) => response.text());
    await sleep(50);
    await running.shutdown('test');
    expect(events.at(-1)).toBe('closed');
    await expect(stream).rejects.toThrow();
    expect(lines.some((line) => line.msg === 'grace period over, closing open connections')).toBe(true);
  });
});

/** Writes `head` on a raw socket and returns everything the server answers before closing. */
function rawExchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests Node refuses before the app sees them', () => {
  it.each([
    [
      'headers over 16 KiB',
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    ['a request that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'malformed_request'],
  ])('answers %s with a problem document', async (_name, head, status, code) => {
    const { running } = await startDemo(1000);
    try {
      const answer = await rawExchange(running.port, head);
      expect(answer.split('\r\n')[0]).toBe(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
      );
      expect(answer).toMatch(/^content-type: application\/problem\+json$/m);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status, code });
    } finally {
      await running.shutdown('test');
    }
  });
});

describe('a client that never finishes its request head', () => {
  it('is answered 408 request_timeout once the header timeout has passed, and the connection closed', async () => {
    const { running } = await startDemo(1000, { headersTimeoutMs: 200 });
    try {
      // The head never ends: no empty line after the headers.
      const answer = await rawExchange(running.port, 'GET /healthz HTTP/1.1\r\nhost: x\r\n');
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
      expect(answer).toMatch(/^connection: close$/m);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 408,
        code: 'request_timeout',
      });
    } finally {
      await running.shutdown('test');
    }
  });
});

describe('request bodies over a socket', () => {
  /** A body sent in chunks, with no Content-Length: its size is known only once read. */
  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 100) controller.enqueue(bytes.slice(at, at + 100));
        controller.close();
      },
    });
  const post = (base: string, body: string | ReadableStream<Uint8Array>) =>
    fetch(`${base}/demo/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

  it('takes a body within the limit and refuses a larger one with 413, whether its length is given or not', async () => {
    const { running, base } = await startDemo(1000);
    try {
      const small = JSON.stringify({ text: 'a'.repeat(900) });
      const large = JSON.stringify({ text: 'a'.repeat(1100) });
      for (const body of [small, chunked(small)]) {
        const response = await post(base, body);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ text: 'a'.repeat(900) });
      }
      for (const body of [large, chunked(large)]) {
        const response = await post(base, body);
        expect(response.status).toBe(413);
        expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
      }
    } finally {
      await running.shutdown('test');
    }
  });
});
