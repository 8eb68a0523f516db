import { describe, expect, it } from 'vitest';
import { renderLoadMarkdown, renderLoadTable } from './render.ts';
import { LOAD_REPORT_SCHEMA, type LoadReport, type ScenarioReport } from './schema.ts';

const scenario = (overrides: Partial<ScenarioReport>): ScenarioReport => ({
  path: 'read',
  name: 'chat',
  kind: 'function',
  request: 'GET /chat/conversations',
  connections: 16,
  requests: 2500,
  requestsPerSecond: 250,
  requestsPerSecondByRound: [240, 250, 262],
  latencyMs: { p50: 53, p90: 116, p99: 192, max: 298 },
  failures: 0,
  errors: 0,
  ratioToBaseline: 0.92,
  cpuMsPerRequest: 1.234,
  databaseCpuMsPerRequest: 4.5,
  modelCpuMsPerRequest: 0.02,
  loadGeneratorCpuMsPerRequest: 0.31,
  ...overrides,
});

const report: LoadReport = {
  schema: LOAD_REPORT_SCHEMA,
  createdAt: '2026-11-26T12:00:00.000Z',
  node: '24.21.0',
  machine: { os: 'Linux 6.1', arch: 'x64', cpus: 2, cpuModel: 'Test CPU', memoryBytes: 2 ** 34 },
  durationSeconds: 5,
  rounds: 3,
  replyTokens: 16,
  scenarios: [
    scenario({
      name: 'floor: node:http + the same query',
      kind: 'floor',
      requestsPerSecond: 271.6,
      ratioToBaseline: 1,
      cpuMsPerRequest: 0.5,
    }),
    scenario({}),
    scenario({
      path: 'stream',
      name: 'reference: Ollama alone',
      kind: 'reference',
      request: 'POST /api/chat',
      ratioToBaseline: 1,
      cpuMsPerRequest: null,
      databaseCpuMsPerRequest: null,
      modelCpuMsPerRequest: 6.25,
    }),
    scenario({ path: 'stream', name: 'chat', request: 'POST … | SSE', failures: 2, errors: 1, ratioToBaseline: null }),
  ],
  replyStreams: [
    {
      name: 'reference: Ollama alone',
      kind: 'reference',
      connections: 4,
      tokens: 128,
      replies: 44,
      firstTokenMs: { p50: 78, p90: 120 },
      firstTokenOverReferenceMs: null,
      tokensPerSecondPerReply: 99,
      tokensPerSecond: 310,
      rateRatio: null,
      failures: 0,
    },
    {
      name: 'chat, partial-content saves on',
      kind: 'function',
      connections: 4,
      tokens: 128,
      replies: 40,
      firstTokenMs: { p50: 81.25, p90: 140 },
      firstTokenOverReferenceMs: 3.25,
      tokensPerSecondPerReply: 97.5,
      tokensPerSecond: 301.2,
      rateRatio: 0.987,
      failures: 0,
    },
  ],
};

describe('the load report', () => {
  it("prints one row per scenario with its rate, ratio, each process's CPU per answer, percentiles and failures", () => {
    const lines = renderLoadTable(report).split('\n');
    expect(lines[0]).toMatch(/^Load: .* medians of 3 rounds of 5 s per scenario, Node 24\.21\.0, 2 CPUs/);
    expect(lines[2]?.split(/\s{2,}/)).toEqual([
      'path',
      'subject',
      'request',
      'connections',
      'req/s',
      '× baseline',
      'CPU ms/answer',
      'database CPU',
      'model CPU',
      'load generator CPU',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'failed',
    ]);
    expect(lines[4]?.split(/\s{2,}/)).toEqual([
      'read',
      'floor: node:http + the same query',
      'GET /chat/conversations',
      '16',
      '272',
      '1.00×',
      '0.50',
      '4.50',
      '0.02',
      '0.31',
      '53.0',
      '116.0',
      '192.0',
      '298',
      '0',
    ]);
    expect(lines[5]?.split(/\s{2,}/).slice(4, 7)).toEqual(['250', '0.92×', '1.23']);
    // Ollama is no server process of the benchmark's, but the model it runs: its time shows as
    // the model's. A database named in MONGODB_URI has none.
    expect(lines[6]?.split(/\s{2,}/).slice(4, 10)).toEqual(['250', '1.00×', '–', '–', '6.25', '0.31']);
    const chatStream = lines[7]?.split(/\s{2,}/) ?? [];
    expect(chatStream.slice(-11, -5)).toEqual(['250', '–', '1.23', '4.50', '0.02', '0.31']);
    expect(chatStream.at(-1)).toBe('3');
  });

  it('prints the replies as a client reads them: time to first token over Ollama alone and stream rate, with the A/B ratio', () => {
    const lines = renderLoadTable(report).split('\n');
    const title = lines.findIndex((line) => line.startsWith('Replies as a client reads them'));
    expect(title).toBeGreaterThan(7);
    expect(lines[title + 4]?.split(/\s{2,}/)).toEqual([
      'reference: Ollama alone',
      '4',
      '128',
      '44',
      '78.0',
      '120.0',
      '–',
      '99.0',
      '–',
      '310.0',
      '0',
    ]);
    expect(lines[title + 5]?.split(/\s{2,}/)).toEqual([
      'chat, partial-content saves on',
      '4',
      '128',
      '40',
      '81.3',
      '140.0',
      '+3.3 ms',
      '97.5',
      '0.987×',
      '301.2',
      '0',
    ]);
  });

  it('renders Markdown with right-aligned numbers and escaped pipes', () => {
    const markdown = renderLoadMarkdown(report);
    expect(markdown).toContain('| --- | --- | --- | ---: |');
    expect(markdown).toContain('POST … \\| SSE');
    expect(markdown).toMatch(/Replies: 16 tokens .* Measured 2026-11-26T12:00:00\.000Z\./);
  });
});
