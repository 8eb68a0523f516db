import { HEADERS, rows, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderMarkdown(report: ColdStartReport): string {
  const align = HEADERS.map((_, column) => (column >= 3 ? '---:' : '---'));
  return [
    `**${title(report)}**`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows(report).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    `Floor: \`${report.floor}\`. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
    '',
  ].join('\n');
}
