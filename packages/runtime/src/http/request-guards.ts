import type { Context, MiddlewareHandler } from 'hono';
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

/**
 * Whether the request has a body. From the network (@hono/node-server), only when
 * Content-Length or Transfer-Encoding says so (RFC 9112 §6.3): Node gives even a bare DELETE a
 * body stream, and asking for it there would make @hono/node-server build a whole web Request
 * out of its lightweight one, for every request, GETs included. Built in-process
 * (app.request), when it was given one.
 */
function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  const fromNetwork = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
  return fromNetwork
    ? (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
    : c.req.raw.body !== null && length !== '0';
}

/** Every zerochat request body is JSON; anything else is a 415 before it is parsed. */
export function requireJsonBodies(): MiddlewareHandler {
  return async function requireJsonBodies(c, next) {
    const type = c.req.header('content-type');
    if (hasBody(c) && !(type && JSON_MEDIA_TYPE.test(type))) throw unsupportedMediaType(type);
    await next();
  };
}

/** `maxBytes` for every body, or the limit `byPath` names for the request's exact path. */
export function limitBody(maxBytes: number, byPath: Readonly<Record<string, number>> = {}): MiddlewareHandler {
  const limit = (bytes: number) => ({
    bytes,
    counted: bodyLimit({
      maxSize: bytes,
      onError: () => {
        throw payloadTooLarge(bytes);
      },
    }),
  });
  const standard = limit(maxBytes);
  const special = new Map(Object.entries(byPath).map(([path, bytes]) => [path, limit(bytes)]));
  return (c, next) => {
    if (!hasBody(c)) return next();
    const { bytes, counted } = special.get(c.req.path) ?? standard;
    const length = c.req.header('content-length');
    // A Content-Length is the body's size (Node reads no more), unless a Transfer-Encoding
    // overrides it; checked here as hono's bodyLimit would, without asking for the body, which
    // would turn @hono/node-server's lightweight request into a web Request and its body into a
    // web stream. Only a chunked body is counted as it is read.
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    if (Number.parseInt(length, 10) > bytes) throw payloadTooLarge(bytes);
    return next();
  };
}
