import { composeUpstreams, INTERNAL_PATHS, renderKongConfig } from '@zerochat/kong';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { buildFunctionApps } from './support/function-apps.ts';
import { routedService } from './support/kong-routing.ts';
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
