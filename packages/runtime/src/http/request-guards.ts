import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { payloadTooLarge, shuttingDown, unsupportedMediaType } from '../errors/problems.ts';
import type { Lifecycle } from '../server/lifecycle.ts';
import { HEALTH_PATHS } from './health-routes.ts';

/** While draining, new requests are turned away (probes still answer, readiness with 503). */
export function refuseWhileDraining(lifecycle: Lifecycle): MiddlewareHandler {
  return async function refuseWhileDraining(c, next) {
    if (lifecycle.draining && !HEALTH_PATHS.has(c.req.path)) throw shuttingDown();
    await next();
  };
}

// application/json and structured suffixes such as application/cloudevents+json.
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i;

/** Every zerochat request body is JSON; anything else is a 415 before it is parsed. */
export function requireJsonBodies(): MiddlewareHandler {
  return async function requireJsonBodies(c, next) {
    const length = c.req.header('content-length');
    // From the network (@hono/node-server), a request has a body only when Content-Length or
    // Transfer-Encoding says so (RFC 9112 §6.3): Node gives even a bare DELETE a body stream.
    // Built in-process (app.request), it has one when it was given one.
    const fromNetwork = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
    const hasBody = fromNetwork
      ? (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
      : c.req.raw.body !== null && length !== '0';
    const type = c.req.header('content-type');
    if (hasBody && !(type && JSON_MEDIA_TYPE.test(type))) throw unsupportedMediaType(type);
    await next();
  };
}

/** `maxBytes` for every body, or the limit `byPath` names for the request's exact path. */
export function limitBody(maxBytes: number, byPath: Readonly<Record<string, number>> = {}): MiddlewareHandler {
  const limit = (bytes: number) =>
    bodyLimit({
      maxSize: bytes,
      onError: () => {
        throw payloadTooLarge(bytes);
      },
    });
  const standard = limit(maxBytes);
  const special = new Map(Object.entries(byPath).map(([path, bytes]) => [path, limit(bytes)]));
  return (c, next) => (special.get(c.req.path) ?? standard)(c, next);
}
