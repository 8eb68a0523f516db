import autocannon from 'autocannon';

/** One request per connection: connection i sends requests[i % requests.length] again and again. */
export interface ScenarioRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ScenarioResult {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  failures: number;
  errors: number;
}

/**
 * Runs autocannon against `url` for `durationSeconds`, or until `repliesPerConnection` answers
 * each when given (replies slower than a round would otherwise never be counted), and returns
 * what the reports need.
 */
export async function runScenario(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  repliesPerConnection?: number;
  requests: readonly ScenarioRequest[];
  /** A correct answer's body; other bodies count as failures. */
  isCorrect: (body: string) => boolean;
  /** How long one request may take before it counts as an error. */
  timeoutSeconds?: number;
}): Promise<ScenarioResult> {
  let next = 0;
  // autocannon ends a counted run on its next one-second tick, not at its last answer: the
  // rate is taken to the last answer instead.
  const started = performance.now();
  let answered = started;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.repliesPerConnection
      ? { amount: options.repliesPerConnection * options.connections }
      : { duration: options.durationSeconds }),
    timeout: options.timeoutSeconds ?? 60,
    setupClient(client) {
      const request = options.requests[next++ % options.requests.length];
      // setRequests, not setRequest: the latter changes only the first request of the connection.
      if (request) client.setRequests([{ ...request, headers: { ...request.headers } }]);
      client.on('response', () => {
        answered = performance.now();
      });
    },
    verifyBody: (body) => options.isCorrect(String(body ?? '')),
  });
  return {
    requests: result.requests.total,
    // A counted run is mostly shorter than autocannon's one-second samples are meaningful for.
    requestsPerSecond: options.repliesPerConnection
      ? result.requests.total / Math.max((answered - started) / 1000, 0.001)
      : result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    failures: result.non2xx + result.mismatches,
    errors: result.errors,
  };
}
