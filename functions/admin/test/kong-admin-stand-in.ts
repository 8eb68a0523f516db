// A STAND-IN for Kong's admin API, for tests: Kong cannot run on these machines. It is a real
// HTTP server on loopback that answers the requests the admin function makes as Kong 3.x
// does (GET /, POST /config for DB-less Kong, PUT by name and the rest for Kong on a
// database), records every request, and checks every config and entity it receives against
// the zod schemas of Kong's declarative format (@zerochat/kong). It is not Kong: it keeps
// entities in memory and checks no more than those schemas do.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  KongConsumerSchema,
  type KongDeclarativeConfig,
  KongDeclarativeConfigSchema,
  KongJwtSecretSchema,
  KongPluginSchema,
  KongRouteSchema,
  KongServiceSchema,
  KongTargetSchema,
  KongUpstreamSchema,
} from '@zerochat/kong';
import type { z } from 'zod';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

type Entity = Record<string, unknown> & { id: string };
type Kind = 'upstreams' | 'targets' | 'services' | 'routes' | 'plugins' | 'consumers' | 'jwts';

export interface KongAdminStandIn {
  url: string;
  /** Every request, in order, with the status it got. */
  requests: RecordedRequest[];
  /** Requests refused because a config or entity did not pass the schema. */
  rejected: RecordedRequest[];
  /** DB-less: the config last posted to /config. */
  config(): KongDeclarativeConfig | undefined;
  /** DB mode: the entities of one kind, by their name (`upstream/target` for targets). */
  entities(kind: Kind): Map<string, Entity>;
  /** Answer every request with this status from now on (undefined: back to normal). */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body?: unknown) => {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
};

/** A Kong stand-in on 127.0.0.1; `database` is what Kong's configuration would say (`off`: DB-less). */
export async function startKongAdminStandIn(
  options: { database?: 'off' | 'postgres'; version?: string } = {},
): Promise<KongAdminStandIn> {
  const database = options.database ?? 'off';
  const version = options.version ?? '3.9.1';
  const requests: RecordedRequest[] = [];
  const rejected: RecordedRequest[] = [];
  let declarative: KongDeclarativeConfig | undefined;
  let failure: number | undefined;
  const store = new Map<Kind, Map<string, Entity>>();
  const table = (kind: Kind) => {
    let entities = store.get(kind);
    if (!entities) {
      entities = new Map();
      store.set(kind, entities);
    }
    return entities;
  };

  /** Upsert after checking `body` against the schema; `id` and references are Kong's to add. */
  function upsert<S extends z.ZodType>(kind: Kind, key: string, schema: S, body: unknown, extra: object = {}) {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { status: 400, body: { name: 'schema violation', message: parsed.error.message } };
    const entities = table(kind);
    const entity = { ...(parsed.data as object), ...extra, id: entities.get(key)?.id ?? randomUUID() };
    entities.set(key, entity);
    return { status: 200, body: entity };
  }

  const notFound = { status: 404, body: { message: 'Not found' } };

  function handle(method: string, url: URL, body: unknown): { status: number; body?: unknown } {
    const path = url.pathname;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && path === '/') {
      return { status: 200, body: { version, tagline: 'Welcome to kong', configuration: { database } } };
    }
    if (path === '/config' && method === 'POST') {
      if (database !== 'off') {
        return {
          status: 400,
          body: { message: 'this endpoint is only available when Kong is configured to not use a database' },
        };
      }
      const parsed = KongDeclarativeConfigSchema.safeParse(body);
      if (!parsed.success) {
        return {
          status: 400,
          body: {
            code: 14,
            name: 'invalid declarative configuration',
            message: 'declarative config is invalid',
            flattened_errors: parsed.error.issues.map((issue) => ({
              entity_name: issue.path.join('.'),
              errors: [{ field: String(issue.path.at(-1) ?? ''), message: issue.message }],
            })),
          },
        };
      }
      declarative = parsed.data;
      return { status: 201, body: {} };
    }
    if (database === 'off') {
      if (method === 'GET' && parts[0] === 'services' && parts.length === 2) {
        const service = declarative?.services?.find((candidate) => candidate.name === parts[1]);
        return service ? { status: 200, body: { ...service, id: randomUUID() } } : notFound;
      }
      if (method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };
      return notFound;
    }

    // Kong on a database.
    const [collection, name, child, childName] = parts;
    const tags = url.searchParams.get('tags');
    const list = (entities: Iterable<Entity>) => ({
      status: 200,
      body: {
        data: [...entities].filter((entity) => !tags || (entity.tags as string[] | undefined)?.includes(tags)),
        next: null,
      },
    });
    if (method === 'GET' && parts.length === 1 && collection) return list(table(collection as Kind).values());
    if (method === 'GET' && collection === 'services' && name && parts.length === 2) {
      return table('services').get(name) ? { status: 200, body: table('services').get(name) } : notFound;
    }
    if (method === 'DELETE' && parts.length === 2 && collection && name) {
      const entities = table(collection as Kind);
      const key = [...entities].find(([key, entity]) => key === name || entity.id === name)?.[0];
      if (key === undefined) return { status: 204 };
      if (
        collection === 'services' &&
        [...table('routes').values()].some((route) => (route.service as { name: string }).name === key)
      ) {
        return { status: 400, body: { message: 'an existing route references this service' } };
      }
      entities.delete(key);
      return { status: 204 };
    }
    if (collection === 'upstreams' && name && child === 'targets') {
      if (!table('upstreams').has(name)) return notFound;
      const targets = table('targets');
      if (method === 'GET' && !childName) {
        return list([...targets].filter(([key]) => key.startsWith(`${name}/`)).map(([, target]) => target));
      }
      if (method === 'POST' && !childName) {
        const target = (body as { target?: string }).target ?? '';
        if (targets.has(`${name}/${target}`)) return { status: 409, body: { message: 'unique constraint violation' } };
        const created = upsert('targets', `${name}/${target}`, KongTargetSchema, body, { upstream: { name } });
        return { ...created, status: created.status === 200 ? 201 : created.status };
      }
      const key = [...targets].find(([key, entity]) => key === `${name}/${childName}` || entity.id === childName)?.[0];
      if (method === 'DELETE') {
        if (key) targets.delete(key);
        return { status: 204 };
      }
      if (method === 'PUT') {
        if (!key) return notFound;
        return upsert('targets', key, KongTargetSchema, body, { upstream: { name } });
      }
    }
    if (method === 'PUT' && parts.length === 2 && name) {
      const schemas: Partial<Record<string, z.ZodType>> = {
        upstreams: KongUpstreamSchema,
        services: KongServiceSchema,
        consumers: KongConsumerSchema,
        plugins: KongPluginSchema,
      };
      const schema = collection ? schemas[collection] : undefined;
      return schema ? upsert(collection as Kind, name, schema, body) : notFound;
    }
    if (method === 'PATCH' && collection === 'services' && name && parts.length === 2) {
      const current = table('services').get(name);
      if (!current) return notFound;
      const { id: _id, ...fields } = current;
      return upsert('services', name, KongServiceSchema, { ...fields, ...(body as object) });
    }
    if (method === 'PUT' && parts.length === 4 && collection && name && child && childName) {
      const parentKind = collection as Kind;
      if (!table(parentKind).has(name)) return notFound;
      if (collection === 'services' && child === 'routes') {
        return upsert('routes', childName, KongRouteSchema, body, { service: { name } });
      }
      if (child === 'plugins' && ['services', 'routes', 'consumers'].includes(collection)) {
        return upsert('plugins', childName, KongPluginSchema, body, { [collection.slice(0, -1)]: { name } });
      }
      if (collection === 'consumers' && child === 'jwt') {
        return upsert('jwts', childName, KongJwtSecretSchema, body, { consumer: { username: name } });
      }
    }
    return notFound;
  }

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const url = new URL(request.url ?? '/', 'http://kong');
    const method = request.method ?? 'GET';
    const answer = failure
      ? { status: failure, body: { message: 'An unexpected error occurred' } }
      : handle(method, url, body);
    const recorded = { method, path: `${url.pathname}${url.search}`, body, status: answer.status };
    requests.push(recorded);
    if (answer.status === 400 && failure === undefined) rejected.push(recorded);
    json(response, answer.status, answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rejected,
    config: () => declarative,
    entities: table,
    failWith(status) {
      failure = status;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
