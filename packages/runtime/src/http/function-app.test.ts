import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { documentedOperations, routedOperations } from '../../../../test/support/openapi-coverage.ts';
import { createLifecycle } from '../server/lifecycle.ts';
import { createFunctionApp } from './function-app.ts';
import { jsonBody, jsonResponse, problem } from './openapi.ts';

const Profile = z.strictObject({
  name: z.string().min(1),
  address: z.strictObject({ city: z.string(), zip: z.string().regex(/^\d{5}$/) }),
});

function testApp(options: { readiness?: Record<string, () => Promise<void>> } = {}) {
  const { log, lines } = captureLog();
  const lifecycle = createLifecycle();
  const app = createFunctionApp({
    name: 'demo',
    api: { title: 'demo', version: '1.0.0', description: 'test' },
    log,
    lifecycle,
    readiness: options.readiness ?? { mongodb: async () => undefined },
    bodyLimitBytes: 1024,
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/demo/profiles',
      request: { body: jsonBody(Profile) },
      responses: { 201: jsonResponse(Profile, 'Created'), 400: problem('Invalid input') },
    }),
    (c) => c.json(c.req.valid('json'), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/demo/profiles/{id}',
      request: { params: z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) }) },
      responses: { 200: jsonResponse(z.object({ id: z.string() }), 'Found') },
    }),
    (c) => c.json({ id: c.req.valid('param').id }, 200),
  );
  app.get('/demo/crash', () => {
    throw new Error('secret internals: mongodb://admin:pw@db');
  });
  return { app, lines, lifecycle };
}

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  testApp().app.request('/demo/profiles', { method: 'POST', body, headers });

describe('createFunctionApp', () => {
  it('passes a valid body to the handler', async () => {
    const body = { name: 'Ada', address: { city: 'Zürich', zip: '80000' } };
    const response = await post(JSON.stringify(body));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(body);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const response = await post('{"name": "Ada",');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'malformed_json', status: 400 });
  });

  it('answers an oversized body with 413, by Content-Length and by streamed size', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2000), address: { city: 'c', zip: '12345' } });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'payload_too_large', detail: expect.stringContaining('1024') });
    // The unread rest of the body would be taken for the next request on a kept-alive connection.
    expect(declared.headers.get('connection')).toBe('close');

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(400)));
        controller.close();
      },
    });
    const streamed = await testApp().app.request('/demo/profiles', {
      method: 'POST',
      body: chunks,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await post('name=Ada', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
    expect((await post('{}', {})).status).toBe(415);
  });

  it('lists every offending field, unknown ones at any depth included', async () => {
    const response = await post(
      JSON.stringify({ name: '', address: { city: 5, zip: '12345', extra: true }, role: 'admin' }),
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: Array<{ in: string; pointer: string }> };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => `${e.in}:${e.pointer}`).sort()).toEqual([
      'body:/address/city',
      'body:/address/extra',
      'body:/name',
      'body:/role',
    ]);
  });

  it('validates path parameters', async () => {
    const response = await testApp().app.request('/demo/profiles/not-an-id');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ in: 'path', pointer: '/id' }],
    });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await testApp().app.request('/demo/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });

  it('turns an unexpected error into a bare 500 and logs it with the request id', async () => {
    const { app, lines } = testApp();
    const response = await app.request('/demo/crash', { headers: { 'x-request-id': 'trace-123' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', requestId: 'trace-123' });
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ requestId: 'trace-123', level: 'error' });
    expect(JSON.stringify(failure)).toContain('secret internals');
  });

  it('echoes a sane x-request-id, replaces a bad one, and logs it on every line', async () => {
    const { app, lines } = testApp();
    const echoed = await app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await app.request('/healthz', { headers: { 'x-request-id': 'bad id; drop table' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await app.request('/demo/nothing');
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((line) => line.path === '/demo/nothing').every((line) => line.requestId === id)).toBe(true);
  });

  it('serves health, readiness and metrics', async () => {
    const { app } = testApp();
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: { status: 'ok' } } });
    await app.request('/demo/profiles/0123456789abcdef01234567');
    await app.request('/demo/profiles/fedcba9876543210fedcba98');
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain(
      'http_requests_total{service="demo",method="GET",route="/demo/profiles/:id",status="200"} 2',
    );
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{service="demo",method="GET",route="\/demo\/profiles\/:id",le="\+Inf"\} 2/,
    );
    expect(metrics).toMatch(/zerochat_cold_start_seconds\{service="demo"\} \d+(\.\d+)?/);
    expect(metrics).toMatch(/process_resident_memory_bytes \d+/);
  });

  it('reports 503 from /readyz when a dependency check fails or times out, and while draining', async () => {
    const failing = testApp({ readiness: { mongodb: () => Promise.reject(new Error('down')) } });
    const response = await failing.app.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { mongodb: { status: 'failed' } } });

    const { app, lifecycle } = testApp();
    lifecycle.startDraining();
    expect((await app.request('/readyz')).status).toBe(503);
    expect((await app.request('/healthz')).status).toBe(200);
    const refused = await app.request('/demo/profiles/0123456789abcdef01234567');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'shutting_down' });
  });

  it('serves its OpenAPI document and reference page, and documents every route', async () => {
    const { app } = testApp();
    const doc = (await (await app.request('/demo/openapi.json')).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/demo/profiles/{id}');
    const page = await app.request('/demo/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/demo/profiles/{id}');
    const undocumented = routedOperations(app).filter((op) => !documentedOperations(app).includes(op));
    // The crash route is declared with plain app.get on purpose: the check must see it.
    expect(undocumented).toEqual(['GET /demo/crash']);
  });
});
