import type { ColdStartReport } from './schema.ts';

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : '–');
export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
export const mib = (bytes: number | undefined) =>
  bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / 1024 / 1024).toFixed(0);

/** Every phase label in the report, in first-seen order (local and Knative phases differ). */
function phaseLabels(report: ColdStartReport): string[] {
  return [...new Set(report.subjects.flatMap((subject) => subject.phases.map((phase) => phase.label)))];
}

/** Columns from this index on are numbers (right-aligned). */
export const FIRST_NUMBER_COLUMN = 2;

/** Memory after an idle spell is measured only when asked for (`--idle`). */
const measuredIdle = (report: ColdStartReport) => report.subjects.some((subject) => subject.rssIdleBytes);

export function headers(report: ColdStartReport): string[] {
  return [
    'subject',
    'request',
    ...phaseLabels(report),
    'total min',
    'median',
    'p90',
    'max',
    '× floor',
    'CPU ms',
    'RSS MiB',
    ...(measuredIdle(report) ? ['RSS idle MiB'] : []),
  ];
}

/** One row per subject: the median of each phase, then the total's summary. */
export function rows(report: ColdStartReport): string[][] {
  const labels = phaseLabels(report);
  const idle = measuredIdle(report);
  return report.subjects.map((subject) => [
    subject.name,
    subject.request,
    ...labels.map((label) => {
      const phase = subject.phases.find((p) => p.label === label);
      return phase ? ms(phase.duration.median) : '–';
    }),
    ms(subject.total.min),
    ms(subject.total.median),
    ms(subject.total.p90),
    ms(subject.total.max),
    times(subject.ratioToFloor.median),
    subject.cpuMs ? ms(subject.cpuMs.median) : '–',
    mib(subject.rssBytes?.median),
    ...(idle ? [mib(subject.rssIdleBytes?.median)] : []),
  ]);
}

export function title(report: ColdStartReport): string {
  return `Cold start (${report.target}), ${report.runs} runs per subject, Node ${report.node}, ${report.machine.cpus} CPUs: phase medians and totals in ms, start to first correct answer`;
}
