import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requestId } from 'hono/request-id';
import type { PrincipalVariables } from '../auth/access-token.ts';
import type { AppError } from '../errors/app-error.ts';
import { problemResponse, toAppError } from '../errors/problem-response.ts';
import { notFound } from '../errors/problems.ts';
import type { Logger } from '../log/logger.ts';
import { createHttpMetrics } from '../metrics/http-metrics.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import type { Lifecycle } from '../server/lifecycle.ts';
import { type ApiInfo, addApiDocs } from './api-docs.ts';
import { addHealthRoutes, type ReadinessCheck } from './health-routes.ts';
import { createOpenApiApp } from './openapi.ts';
import { limitBody, refuseWhileDraining, requireJsonBodies } from './request-guards.ts';
import { type LogVariables, requestLog } from './request-log.ts';

export type FunctionEnv = { Variables: LogVariables & PrincipalVariables };
export type FunctionApp = OpenAPIHono<FunctionEnv>;

export interface FunctionAppOptions {
  /** "auth", "chat", "admin" or "web": the metrics label and the path prefix of the API docs. */
  name: string;
  /** The OpenAPI document's info; a function without an API (web serves files) has none. */
  api?: Omit<ApiInfo, 'prefix'>;
  log: Logger;
  lifecycle: Lifecycle;
  metrics?: MetricsRegistry;
  readiness: Readonly<Record<string, ReadinessCheck>>;
  bodyLimitBytes: number;
  /** Other limits for exact paths (an upload larger than any other body). */
  bodyLimitsByPath?: Readonly<Record<string, number>>;
  /**
   * Answers an error in another shape than problem+json where an API must (the chat
   * function's OpenAI-compatible /v1); undefined leaves it to problem+json.
   */
  answerError?: (error: AppError, c: Context<FunctionEnv>) => Response | undefined;
}

/**
 * The common frame of every function: request ids and logs, metrics, draining, body rules,
 * problem+json errors, health endpoints and API docs. The function adds its own routes.
 */
export function createFunctionApp(options: FunctionAppOptions): FunctionApp {
  const app = createOpenApiApp<FunctionEnv>();
  const metrics = createHttpMetrics(options.name, options.metrics);

  app.use(requestId({ headerName: 'x-request-id' }));
  app.use(requestLog(options.log));
  app.use(metrics.record);
  app.use(refuseWhileDraining(options.lifecycle));
  app.use(requireJsonBodies());
  app.use(limitBody(options.bodyLimitBytes, options.bodyLimitsByPath));

  app.onError((error, c) => {
    const appError = toAppError(error);
    const log = c.get('log') ?? options.log;
    if (appError.status >= 500) log.error('request failed', { code: appError.code, err: appError.cause ?? error });
    else log.debug('request rejected', { code: appError.code, detail: appError.detail });
    return options.answerError?.(appError, c) ?? problemResponse(appError, c.get('requestId') ?? 'unknown');
  });
  app.notFound((c) => {
    const missing = notFound(`No route for ${c.req.method} ${c.req.path}.`);
    return options.answerError?.(missing, c) ?? problemResponse(missing, c.get('requestId'));
  });

  addHealthRoutes(app, { lifecycle: options.lifecycle, metrics: metrics.registry, readiness: options.readiness });
  if (options.api) addApiDocs(app, { prefix: `/${options.name}`, ...options.api });
  return app;
}
