import { renderMarkdownTable } from '../../report/tables.ts';
import { FIRST_NUMBER_COLUMN, headers, ms, rows, times, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

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
  const summary = renderMarkdownTable(
    { title: title(report), header: headers(report), rows: rows(report), firstNumberColumn: FIRST_NUMBER_COLUMN },
    [
      `Floor: \`${report.floor}\`. Machine: ${report.machine.cpuModel}, ${report.machine.os}. Measured ${report.createdAt}.`,
    ],
  );
  const phases = renderMarkdownTable({
    title: 'Each phase, in ms',
    header: ['subject', 'phase', 'min', 'median', 'p90', 'max', 'median × floor'],
    rows: phaseRows(report),
    firstNumberColumn: 2,
  });
  return `${summary}\n${phases}`;
}
