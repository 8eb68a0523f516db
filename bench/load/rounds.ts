import { summarize } from '../cold-start/statistics.ts';
import type { ScenarioResult } from './run-scenario.ts';

/** A scenario's round, with what its server spent on it. */
export interface RoundResult extends ScenarioResult {
  /** The server process's CPU time per answer; null when the server is not one the benchmark started (Ollama). */
  cpuMsPerRequest: number | null;
}

/** The median of each figure over the rounds; counts are summed. */
export function combineRounds(results: readonly RoundResult[]): RoundResult & { requestsPerSecondByRound: number[] } {
  const median = (pick: (result: RoundResult) => number) => summarize(results.map(pick)).median;
  const cpu = results.flatMap((result) => (result.cpuMsPerRequest === null ? [] : [result.cpuMsPerRequest]));
  const sum = (pick: (result: RoundResult) => number) => results.reduce((total, result) => total + pick(result), 0);
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
    cpuMsPerRequest: cpu.length ? summarize(cpu).median : null,
  };
}
