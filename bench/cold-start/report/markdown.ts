import { FIRST_NUMBER_COLUMN, headers, ms, rows, times, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const table = (header: readonly string[], body: readonly string[][], firstNumber: number) => [
  `| ${header.join(' | ')} |`,
  `| ${header.map((_, column) => (column >= firstNumber ? '---:' : '---')).join(' | ')} |`,
  ...body.map((row) => `| ${row.map(cell).join(' | ')} |`),
];

/** Every phase of every subject with min, median, p90 and max, and its median against the floor's. */
function phaseRows(report: ColdStartReport): string[][] {
  const floor = report.subjects.find((subject) => subject.name === report.floor);
  return report.subjects.flatMap((subject) =>
    subject.phases.map((phase) => {
      const floorPhase = floor?.phases.find((candidate) => candidate.name === phase.name);
      const { min, median, p90, max } = phase.duration;
      return [
        subject.name,
        phase.label,
        ms(min),
        ms(median),
        ms(p90),
        ms(max),
        floorPhase ? times(median / floorPhase.duration.median) : '–',
      ];
    }),
  );
}

export function renderMarkdown(report: ColdStartReport): string {
  return [
    `**${title(report)}**`,
    '',
    ...table(headers(report), rows(report), FIRST_NUMBER_COLUMN),
    '',
    `Floor: \`${report.floor}\`. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
    '',
    'Each phase, in ms:',
    '',
    ...table(['subject', 'phase', 'min', 'median', 'p90', 'max', 'median × floor'], phaseRows(report), 2),
    '',
  ].join('\n');
}
