import { composeUpstreams, INTERNAL_PATHS, renderKongConfig } from '@zerochat/kong';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ASSET_PREFIX, PAGE_PATHS } from '../functions/web/src/page-paths.ts';
import { buildFunctionApps } from './support/function-apps.ts';
import { matchRoute, routedService } from './support/kong-routing.ts';
import { documentedOperations } from './support/openapi-coverage.ts';

// The gateway must route every operation the functions document, except the internal ones.
// The apps are only built to read their OpenAPI documents; the client never connects.
const neverConnected = new MongoClient('mongodb://127.0.0.1:1/').db('unused');
const apps = await buildFunctionApps({ db: neverConnected, ping: async () => {} });

const config = renderKongConfig({ upstreams: composeUpstreams() });

describe.each(Object.entries(apps))('Kong in front of the %s function', (name, app) => {
  const operations = documentedOperations(app).map((operation) => {
    const [method = '', path = ''] = operation.split(' ');
    return { method, path, sample: path.replace(/:\w+/g, '65a1f0c2b3d4e5f6a7b8c9d0') };
  });

  it('routes every public operation to this function', () => {
    const publicOperations = operations.filter(({ path }) => !INTERNAL_PATHS.includes(path));
    expect(publicOperations.length).toBeGreaterThan(0);
    const unrouted = publicOperations.filter(({ method, sample }) => routedService(config, method, sample) !== name);
    expect(unrouted.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('routes none of the internal operations', () => {
    for (const path of INTERNAL_PATHS) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        expect(routedService(config, method, path), `${method} ${path}`).toBeUndefined();
      }
    }
  });
});

describe('Kong in front of the web function', () => {
  const sample = (path: string) => path.replace(/\{\w+\}/g, '6650c3f4a1b2c3d4e5f60718');

  it("routes each of the page's own paths, and its assets, to web", () => {
    for (const path of PAGE_PATHS) expect(routedService(config, 'GET', sample(path)), path).toBe('web');
    expect(routedService(config, 'GET', `${ASSET_PREFIX}main-ABC123.js`)).toBe('web');
    expect(routedService(config, 'GET', `${ASSET_PREFIX}main-ABC123.css`)).toBe('web');
  });

  it('routes no page path that web does not serve, and no other method', () => {
    for (const path of [
      '/index.html',
      '/settings/',
      '/c/',
      '/c/a/b',
      '/assets/',
      '/assets/a/b.js',
      '/favicon.ico',
      '/x',
    ]) {
      expect(routedService(config, 'GET', path), path).toBeUndefined();
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(routedService(config, method, '/')).toBeUndefined();
  });

  it('never wakes web for a path under an API prefix, known or unknown', () => {
    for (const prefix of ['/auth', '/chat', '/admin', '/v1']) {
      for (const rest of ['', '/', '/unknown', '/unknown/deeper', '/assets/main-ABC123.js', '/c/1', '/settings']) {
        for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
          expect(routedService(config, method, `${prefix}${rest}`), `${method} ${prefix}${rest}`).not.toBe('web');
        }
      }
    }
  });

  it('sends the page to web unchecked: it is public, and it carries no token', () => {
    const routes = config.services?.find((service) => service.name === 'web')?.routes ?? [];
    expect(routes.length).toBe(PAGE_PATHS.length + 1);
    for (const route of routes) expect(route.plugins ?? []).toEqual([]);
  });
});

describe('Kong in front of the OpenAI-compatible /v1', () => {
  const v1 = documentedOperations(apps.chat)
    .filter((operation) => operation.includes(' /v1/'))
    .map((operation) => {
      const [method = '', path = ''] = operation.split(' ');
      return { method, sample: path.replace(/:\w+/g, 'llama3.2:1b') };
    });
  const key = { authorization: `Bearer zc-${'k'.repeat(43)}` };
  const jwtOf = (route: ReturnType<typeof matchRoute>) => route?.plugins?.find((plugin) => plugin.name === 'jwt');

  it('routes every /v1 operation to chat, with a key or with a token', () => {
    expect(v1.map(({ method, sample }) => `${method} ${sample}`)).toEqual([
      'GET /v1/models',
      'GET /v1/models/llama3.2:1b',
      'POST /v1/chat/completions',
    ]);
    for (const { method, sample } of v1) {
      expect(routedService(config, method, sample, key), sample).toBe('chat');
      expect(routedService(config, method, sample, { authorization: 'Bearer eyJ.e30.sig' }), sample).toBe('chat');
    }
  });

  it('refuses a request without a credential of either form at the edge: the jwt plugin answers it', () => {
    for (const { method, sample } of v1) {
      const refused: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer zc-too-short' },
        { authorization: 'Basic dTpw' },
      ];
      for (const headers of refused) {
        expect(
          jwtOf(matchRoute(config, method, sample, headers)),
          `${sample} ${JSON.stringify(headers)}`,
        ).toBeDefined();
      }
      // A key of the right form passes to chat, which checks the key itself.
      expect(jwtOf(matchRoute(config, method, sample, key)), sample).toBeUndefined();
    }
  });

  it('streams completions unbuffered, whichever credential they carry', () => {
    expect(matchRoute(config, 'POST', '/v1/chat/completions', key)?.response_buffering).toBe(false);
    expect(matchRoute(config, 'POST', '/v1/chat/completions')?.response_buffering).toBe(false);
  });
});
