import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';

/** Every "METHOD /path" the app routes to a handler (middleware-only entries left out). */
export function routedOperations<E extends Env>(app: OpenAPIHono<E>): string[] {
  const operations = app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(operations)].sort();
}

/** Every "METHOD /path" in the app's OpenAPI document, with {param} written as :param. */
export function documentedOperations<E extends Env>(app: OpenAPIHono<E>): string[] {
  const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '0' } });
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
}
