import { renderMarkdownTable } from '../report/tables.ts';
import type { SearchBenchReport } from './run-search.ts';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '–');
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export function renderSearchMarkdown(report: SearchBenchReport): string {
  return renderMarkdownTable(
    {
      title: `Search: one user with ${report.messages} messages in ${report.conversations} conversations (and another user with as many), ${report.database}, one request at a time`,
      header: ['what', 'request', 'p50 ms', 'p90 ms', 'max ms', 'found (first page of 20)'],
      firstNumberColumn: 2,
      rows: report.rows.map((row) => [
        row.name,
        row.request,
        ms(row.ms.median),
        ms(row.ms.p90),
        ms(row.ms.max),
        String(row.found),
      ]),
    },
    [
      `The user's first search built their index from the messages in ${ms(report.firstSearchMs)} ms (once; every later write keeps it current). The index: ${mib(report.indexBytes.text)} MiB of text, ${mib(report.indexBytes.stored)} MiB stored (gzip). Machine: ${report.machine.cpus} × ${report.machine.cpuModel}. Measured ${report.createdAt}.`,
    ],
  );
}
