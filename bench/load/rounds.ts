import { summarize } from '../cold-start/statistics.ts';
import type { ScenarioResult } from './run-scenario.ts';

/** The median of each figure over the rounds; counts are summed. */
export function combineRounds(
  results: readonly ScenarioResult[],
): ScenarioResult & { requestsPerSecondByRound: number[] } {
  const median = (pick: (result: ScenarioResult) => number) => summarize(results.map(pick)).median;
  const sum = (pick: (result: ScenarioResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    requests: sum((result) => result.requests),
    requestsPerSecond: median((result) => result.requestsPerSecond),
    requestsPerSecondByRound: results.map((result) => result.requestsPerSecond),
    latencyMs: {
      p50: median((result) => result.latencyMs.p50),
      p90: median((result) => result.latencyMs.p90),
      p99: median((result) => result.latencyMs.p99),
      max: Math.max(...results.map((result) => result.latencyMs.max)),
    },
    failures: sum((result) => result.failures),
    errors: sum((result) => result.errors),
  };
}
