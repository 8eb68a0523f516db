import { describe, expect, it } from 'vitest';
import { combineRounds, type RoundResult } from './rounds.ts';

const round = (requestsPerSecond: number, p50: number, max: number, failures = 0): RoundResult => ({
  requests: requestsPerSecond * 5,
  requestsPerSecond,
  latencyMs: { p50, p90: p50 * 2, p99: p50 * 4, max },
  failures,
  errors: 0,
  cpuMsPerRequest: p50 / 40,
  databaseCpuMsPerRequest: p50 / 10,
  modelCpuMsPerRequest: 0.01,
  loadGeneratorCpuMsPerRequest: p50 / 100,
});

describe('combineRounds', () => {
  it('takes the median of every rate and percentile, the highest max, and sums the counts', () => {
    expect(combineRounds([round(250, 50, 300), round(300, 40, 280, 1), round(270, 60, 400)])).toEqual({
      requests: 4100,
      requestsPerSecond: 270,
      requestsPerSecondByRound: [250, 300, 270],
      latencyMs: { p50: 50, p90: 100, p99: 200, max: 400 },
      failures: 1,
      errors: 0,
      cpuMsPerRequest: 1.25,
      databaseCpuMsPerRequest: 5,
      modelCpuMsPerRequest: 0.01,
      loadGeneratorCpuMsPerRequest: 0.5,
    });
  });

  it('has no CPU time where no round has one: a server the benchmark did not start', () => {
    const ollama = (rate: number) => ({ ...round(rate, 40, 100), cpuMsPerRequest: null });
    expect(combineRounds([ollama(180), ollama(200)]).cpuMsPerRequest).toBeNull();
    // MONGODB_URI and OLLAMA_HOST: servers of someone else's, whose CPU time is not read.
    const elsewhere = { ...round(200, 40, 100), databaseCpuMsPerRequest: null, modelCpuMsPerRequest: null };
    expect(combineRounds([elsewhere, elsewhere])).toMatchObject({
      databaseCpuMsPerRequest: null,
      modelCpuMsPerRequest: null,
      loadGeneratorCpuMsPerRequest: 0.4,
    });
  });
});
