import type { MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from '../log/logger.ts';
import { HEALTH_PATHS } from './health-routes.ts';

export interface LogVariables extends RequestIdVariables {
  /** The function's logger with this request's id on every line. */
  log: Logger;
}

/** Middleware, after requestId: a per-request logger and one access line per request. */
export function requestLog(log: Logger): MiddlewareHandler<{ Variables: LogVariables }> {
  return async function requestLog(c, next) {
    const started = performance.now();
    const requestLogger = log.child({ requestId: c.get('requestId') });
    c.set('log', requestLogger);
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round(performance.now() - started),
    };
    // Probes and scrapes arrive every few seconds; they would drown the useful lines.
    if (HEALTH_PATHS.has(c.req.path)) requestLogger.debug('request', line);
    else requestLogger.info('request', line);
  };
}
