import { summarize } from '../cold-start/statistics.ts';
import type { ScenarioResult } from './run-scenario.ts';

/** CPU time per answer, in ms, of each process on the machine during a round. */
export interface CpuPerAnswer {
  /** The server under test; null when it is not a process the benchmark started (Ollama). */
  cpuMsPerRequest: number | null;
  /** The database; null when it was not started here (MONGODB_URI). */
  databaseCpuMsPerRequest: number | null;
  /** Ollama; null when it was not started here (OLLAMA_HOST). */
  modelCpuMsPerRequest: number | null;
  /** The benchmark's own process: autocannon or the reply reader. */
  loadGeneratorCpuMsPerRequest: number;
}

/** A scenario's round, with what each process spent on it. */
export interface RoundResult extends ScenarioResult, CpuPerAnswer {}

/** The median of each figure over the rounds; counts are summed. */
export function combineRounds(results: readonly RoundResult[]): RoundResult & { requestsPerSecondByRound: number[] } {
  const median = (pick: (result: RoundResult) => number) => summarize(results.map(pick)).median;
  const medianOrNull = (pick: (result: RoundResult) => number | null) => {
    const values = results.flatMap((result) => pick(result) ?? []);
    return values.length ? summarize(values).median : null;
  };
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
    cpuMsPerRequest: medianOrNull((result) => result.cpuMsPerRequest),
    databaseCpuMsPerRequest: medianOrNull((result) => result.databaseCpuMsPerRequest),
    modelCpuMsPerRequest: medianOrNull((result) => result.modelCpuMsPerRequest),
    loadGeneratorCpuMsPerRequest: median((result) => result.loadGeneratorCpuMsPerRequest),
  };
}
