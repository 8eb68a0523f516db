import { renderMarkdownTable, renderTextTable, type Table } from '../../report/tables.ts';
import type { LoadReport } from './schema.ts';

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
/** A rate below 10 a second (a real model's replies) keeps its tenths: 0.4 req/s is not 0. */
export const rate = (value: number) => fixed(value, value < 10 ? 1 : 0);

const cpuColumn = (ms: number | null) => (ms === null ? '–' : fixed(ms, 2));

function table(report: LoadReport): Table {
  return {
    title: `Load: one process per subject, medians of ${report.rounds} rounds of ${report.durationSeconds} s per scenario, Node ${report.node}, ${report.machine.cpus} CPUs shared by server, database, model and load generator; CPU is each one's time per answer in ms`,
    header: [
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
    ],
    firstNumberColumn: 3,
    rows: report.scenarios.map((scenario) => [
      scenario.path,
      scenario.name,
      scenario.request,
      String(scenario.connections),
      rate(scenario.requestsPerSecond),
      scenario.ratioToBaseline === null ? '–' : `${fixed(scenario.ratioToBaseline, 2)}×`,
      cpuColumn(scenario.cpuMsPerRequest),
      cpuColumn(scenario.databaseCpuMsPerRequest),
      cpuColumn(scenario.modelCpuMsPerRequest),
      cpuColumn(scenario.loadGeneratorCpuMsPerRequest),
      fixed(scenario.latencyMs.p50, 1),
      fixed(scenario.latencyMs.p90, 1),
      fixed(scenario.latencyMs.p99, 1),
      fixed(scenario.latencyMs.max),
      String(scenario.failures + scenario.errors),
    ]),
  };
}

function streamTable(report: LoadReport): Table {
  return {
    title: `Replies as a client reads them: medians of ${report.rounds} rounds; time to first token is from sending the message to the first message.delta (Ollama alone: to its first chunk with text)`,
    header: [
      'subject',
      'connections',
      'tokens',
      'replies',
      'first token p50 ms',
      'first token p90 ms',
      'first token vs Ollama',
      'tokens/s per reply',
      '× without saves',
      'tokens/s in all',
      'failed',
    ],
    firstNumberColumn: 1,
    rows: report.replyStreams.map((stream) => [
      stream.name,
      String(stream.connections),
      String(stream.tokens),
      String(stream.replies),
      fixed(stream.firstTokenMs.p50, 1),
      fixed(stream.firstTokenMs.p90, 1),
      stream.firstTokenOverReferenceMs === null
        ? '–'
        : `${stream.firstTokenOverReferenceMs >= 0 ? '+' : ''}${fixed(stream.firstTokenOverReferenceMs, 1)} ms`,
      fixed(stream.tokensPerSecondPerReply, 1),
      stream.rateRatio === null ? '–' : `${fixed(stream.rateRatio, 3)}×`,
      fixed(stream.tokensPerSecond, 1),
      String(stream.failures),
    ]),
  };
}

export function renderLoadTable(report: LoadReport): string {
  return `${renderTextTable(table(report))}\n${renderTextTable(streamTable(report))}`;
}

export function renderLoadMarkdown(report: LoadReport): string {
  return `${renderMarkdownTable(table(report), [
    `Baseline of the read path: the floor; of the streaming path: Ollama alone, and for chat /v1 Ollama's own /v1/chat/completions. CPU ms/answer: the server process's own CPU time per answer (not the database's or the model's). Replies: ${report.replyTokens} tokens of the tiny test model, and of SmolLM2 135M on the real-model path. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
  ])}\n${renderMarkdownTable(streamTable(report), [
    'Ollama alone, and the same chat bundle twice, its partial-content saves (CHAT_REPLY_PROGRESS_WRITES) on and off, taking turns within each round.',
  ])}`;
}
