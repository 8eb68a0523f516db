import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.ts';
import type { Lifecycle } from '../server/lifecycle.ts';
import { jsonResponse } from './openapi.ts';

/** The paths of probes and scrapes: answered while draining, logged at debug only. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** Throws when the dependency is not usable; the signal aborts a check that takes too long. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

export interface HealthOptions {
  lifecycle: Lifecycle;
  metrics: MetricsRegistry;
  readiness: Readonly<Record<string, ReadinessCheck>>;
  /** How long one readiness check may take before it counts as failed. */
  checkTimeoutMs?: number;
}

const CheckResult = z.object({
  status: z.enum(['ok', 'failed']),
  durationMs: z.number(),
  error: z.string().optional().openapi({ description: 'Error class only; details are in the logs.' }),
});

const Readiness = z
  .object({ status: z.enum(['ready', 'unavailable', 'draining']), checks: z.record(z.string(), CheckResult) })
  .openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process is up',
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Alive') },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: dependencies reachable and not shutting down',
  responses: {
    200: jsonResponse(Readiness, 'Ready for traffic'),
    503: jsonResponse(Readiness, 'A dependency is unreachable, or the instance is draining'),
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary: 'Prometheus metrics',
  responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
});

export function addHealthRoutes<E extends Env>(app: OpenAPIHono<E>, options: HealthOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 2000;

  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    const checks = Object.fromEntries(
      await Promise.all(
        Object.entries(options.readiness).map(
          async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const,
        ),
      ),
    );
    const failed = Object.values(checks).some((check) => check.status === 'failed');
    if (options.lifecycle.draining) return c.json({ status: 'draining' as const, checks }, 503);
    return failed
      ? c.json({ status: 'unavailable' as const, checks }, 503)
      : c.json({ status: 'ready' as const, checks }, 200);
  });

  app.openapi(metricsRoute, (c) => c.text(options.metrics.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }));
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<z.infer<typeof CheckResult>> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))),
  );
  try {
    await Promise.race([check(signal), timedOut]);
    return { status: 'ok', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { status: 'failed', durationMs: Math.round(performance.now() - started), error: name };
  }
}
