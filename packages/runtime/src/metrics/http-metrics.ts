import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { MetricsRegistry } from './registry.ts';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The function's metrics: requests by route and status, latency, and the cold start. */
export function createHttpMetrics(service: string, registry = new MetricsRegistry()) {
  const requests = registry.counter('http_requests_total', 'HTTP requests answered, by route and status.');
  const latency = registry.histogram(
    'http_request_duration_seconds',
    'Time from request to response headers (streams continue after), by route.',
    LATENCY_BUCKETS,
  );
  const coldStart = registry.gauge(
    'zerochat_cold_start_seconds',
    'Time from process start to the first request served.',
  );
  registry
    .gauge('process_resident_memory_bytes', 'Resident memory of the process.')
    .collect(() => process.memoryUsage.rss());
  registry
    .gauge('process_start_time_seconds', 'Start of the process since the Unix epoch.')
    .set(Math.round(performance.timeOrigin) / 1000);
  let servedFirst = false;

  const record: MiddlewareHandler = async function recordRequests(c, next) {
    const started = performance.now();
    await next();
    const finished = performance.now();
    // Label by route pattern, not raw path, so ids do not explode the series count.
    const pattern = routePath(c, -1);
    const route = pattern.includes('*') ? 'unmatched' : pattern;
    requests.inc({ service, method: c.req.method, route, status: String(c.res.status) });
    latency.observe((finished - started) / 1000, { service, method: c.req.method, route });
    if (!servedFirst) {
      servedFirst = true;
      // performance.now() counts from process start (performance.timeOrigin).
      coldStart.set(finished / 1000, { service });
    }
  };

  return { registry, requests, latency, record };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
