import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { payloadTooLarge, shuttingDown, unsupportedMediaType } from '../errors/problems.ts';
import type { Lifecycle } from '../server/lifecycle.ts';

const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

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
    const hasBody = c.req.raw.body !== null && (c.req.header('content-length') ?? '') !== '0';
    const type = c.req.header('content-type');
    if (hasBody && !(type && JSON_MEDIA_TYPE.test(type))) throw unsupportedMediaType(type);
    await next();
  };
}

export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
}
