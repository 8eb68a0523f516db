import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLifecycle, createLogger } from '@zerochat/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../../../test/support/bundles.ts';
import { createApp } from './app.ts';
import { loadPageAssets, type PageAssets } from './page-assets.ts';
import { preferredEncoding } from './routes/page.ts';

// The app over the page as `npm run build` makes it (the run's shared web bundle).
let assets: PageAssets;
let app: ReturnType<typeof createApp>;
let publicDir: string;

beforeAll(async () => {
  publicDir = join(dirname(await functionBundle('web')), 'public');
  assets = await loadPageAssets(publicDir);
  app = createApp({ assets, log: createLogger({ level: 'error' }), lifecycle: createLifecycle() });
}, 120_000);

const scriptsOf = (html: string) => [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1] ?? '');

describe('the page', () => {
  it.each(['/', '/c/6650c3f4a1b2c3d4e5f60718', '/settings', '/console'])(
    'is answered at %s, revalidated on every load, with the CSP and security headers',
    async (path) => {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      const html = await response.text();
      expect(html).toContain('<div id="app"></div>');
      // No inline script: every script is a file of the page's own.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(scriptsOf(html)).toEqual([expect.stringMatching(/^\/assets\/main-\w+\.js$/)]);
    },
  );

  it('answers 304 to a browser that has this version', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.request('/', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('is sent brotli- or gzip-compressed as the browser accepts, else as is', async () => {
    const plain = await (await app.request('/')).text();
    const br = await app.request('/', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('accept-encoding');
    const gzip = await app.request('/', { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toBe(plain);
    const identity = await app.request('/', { headers: { 'accept-encoding': 'identity' } });
    expect(identity.headers.get('content-encoding')).toBeNull();
  });

  it.each(['/nowhere', '/settings/', '/c/', '/c/a/b', '/auth/login', '/chat/conversations', '/admin', '/v1/models'])(
    'is not at %s (404 problem)',
    async (path) => {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    },
  );
});

describe('the assets', () => {
  it('are served under their hashed names, cached for a year as immutable', async () => {
    const html = await (await app.request('/')).text();
    const [script = ''] = scriptsOf(html);
    const response = await app.request(script, { headers: { 'accept-encoding': 'br' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('br');
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? '';
    expect((await app.request(stylesheet)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const onDisk = await readFile(join(publicDir, script));
    expect(Buffer.from(await (await app.request(script)).arrayBuffer()).equals(onDisk)).toBe(true);
  });

  it('answer 404 for a name the build did not make, and for a path outside assets/', async () => {
    expect((await app.request('/assets/main-NOPE.js')).status).toBe(404);
    expect((await app.request('/assets/..%2Findex.html')).status).toBe(404);
    expect((await app.request('/index.html')).status).toBe(404);
  });

  it('are answered to HEAD without a body', async () => {
    const response = await app.request('/', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('the function frame', () => {
  it('answers liveness and readiness with nothing to wait for, and counts requests', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready', checks: {} });
    expect(await (await app.request('/metrics')).text()).toContain('http_requests_total{service="web"');
  });

  it('has no API and no API docs', async () => {
    expect((await app.request('/web/openapi.json')).status).toBe(404);
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });
});

describe('preferredEncoding', () => {
  it('follows q-values and wildcards, and never picks what the build did not make', () => {
    const { index } = assets;
    expect(preferredEncoding('br;q=0, gzip', index)).toBe('gzip');
    expect(preferredEncoding('*', index)).toBe('br');
    expect(preferredEncoding('*;q=0', index)).toBeUndefined();
    expect(preferredEncoding(undefined, index)).toBeUndefined();
    const { br: _br, ...gzipOnly } = index;
    expect(preferredEncoding('br', gzipOnly)).toBeUndefined();
  });
});
