// A one-round bench:load on the test services: the harness works end to end and writes the
// report its schema describes. The figures are not checked; a test machine's are noise.
import { describe, expect, it } from 'vitest';
import { useOwnOllama } from '../../test/support/own-ollama.ts';
import { testServices } from '../../test/support/test-services.ts';
import { LOAD_REPORT_SCHEMA } from './report/schema.ts';
import { runLoadBenchmark } from './run-load.ts';

// An Ollama of its own: the load ends each round by dropping the requests in flight, which
// Ollama takes a second or two to recover from, and other files' replies should not wait.
const ollama = useOwnOllama();

describe('bench:load', () => {
  it('measures every scenario, the session check and partial-content saves A/B included, and reports each with its baseline', async () => {
    const { mongoUri } = testServices();
    const ollamaHost = ollama.server.host;
    const report = await runLoadBenchmark({
      durationSeconds: 1,
      rounds: 1,
      readConnections: 2,
      streamConnections: 2,
      replyTokens: 4,
      realModelReplies: 1,
      // By count: a one-second round on a busy machine may finish no reply at all.
      streamReplies: 1,
      probeTokens: 8,
      probeConnections: 1,
      warmUpSeconds: 1,
      env: { MONGODB_URI: mongoUri, OLLAMA_HOST: ollamaHost },
      progress: () => undefined,
    });
    expect(report).toMatchObject({ schema: LOAD_REPORT_SCHEMA, rounds: 1, durationSeconds: 1, replyTokens: 4 });
    expect(report.scenarios.map(({ path, kind }) => `${path} ${kind}`)).toEqual([
      'read floor',
      'read stack',
      'read function',
      'read function',
      'read function',
      'read floor',
      'read function',
      'stream reference',
      'stream function',
      'stream reference',
      'stream function',
      'real-model reference',
      'real-model function',
    ]);
    for (const scenario of report.scenarios) {
      expect(scenario.requests, scenario.name).toBeGreaterThan(0);
      expect(scenario.failures + scenario.errors, scenario.name).toBe(0);
      expect(scenario.requestsPerSecondByRound).toHaveLength(1);
      expect(scenario.ratioToBaseline).toBeGreaterThan(0);
      // Every server the benchmark started tells its own CPU time per answer; Ollama's does not.
      if (scenario.kind === 'reference') expect(scenario.cpuMsPerRequest, scenario.name).toBeNull();
      else expect(scenario.cpuMsPerRequest, scenario.name).toBeGreaterThanOrEqual(0);
      // FerretDB and Ollama came from the environment here, processes the benchmark does not
      // read; its own (the load generator) always counts.
      expect(scenario.databaseCpuMsPerRequest, scenario.name).toBeNull();
      expect(scenario.modelCpuMsPerRequest, scenario.name).toBeNull();
      expect(scenario.loadGeneratorCpuMsPerRequest, scenario.name).toBeGreaterThan(0);
    }
    // The replies read as a client reads them: Ollama alone, then chat with the partial-content saves on and off.
    expect(report.replyStreams.map(({ name }) => name)).toEqual([
      'reference: Ollama alone',
      'chat, partial-content saves on',
      'chat, partial-content saves off (A/B)',
    ]);
    for (const stream of report.replyStreams) {
      expect(stream.replies, stream.name).toBeGreaterThan(0);
      expect(stream.failures, stream.name).toBe(0);
      expect(stream.firstTokenMs.p50).toBeGreaterThan(0);
      expect(stream.tokensPerSecondPerReply).toBeGreaterThan(0);
    }
    expect(report.replyStreams[2]?.rateRatio).toBe(1);
    expect(report.replyStreams[0]?.firstTokenOverReferenceMs).toBeNull();
    expect(report.replyStreams[1]?.firstTokenOverReferenceMs).toEqual(expect.any(Number));
  }, 180_000);
});
