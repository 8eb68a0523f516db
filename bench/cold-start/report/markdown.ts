import { FIRST_NUMBER_COLUMN, headers, rows, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderMarkdown(report: ColdStartReport): string {
  const header = headers(report);
  const align = header.map((_, column) => (column >= FIRST_NUMBER_COLUMN ? '---:' : '---'));
  return [
    `**${title(report)}**`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows(report).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    `Floor: \`${report.floor}\`. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
    '',
  ].join('\n');
}
