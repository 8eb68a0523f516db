import { renderMarkdownTable } from '../../report/tables.ts';
import { FIRST_NUMBER_COLUMN, headers, rows, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

export function renderMarkdown(report: ColdStartReport): string {
  return renderMarkdownTable(
    { title: title(report), header: headers(report), rows: rows(report), firstNumberColumn: FIRST_NUMBER_COLUMN },
    [
      `Floor: \`${report.floor}\`. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
    ],
  );
}
