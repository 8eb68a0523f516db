import type { ColdStartReport, SubjectReport } from './schema.ts';

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : '–');
export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
export const mib = (bytes: number | undefined) =>
  bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / 1024 / 1024).toFixed(0);

/** "listening 41 · ready 3.2 · first answer 17": the median duration of each phase. */
export function phaseMedians(subject: SubjectReport): string {
  return subject.phases.map((phase) => `${phase.label} ${ms(phase.duration.median)}`).join(' · ');
}

export const HEADERS = ['subject', 'request', 'phases, median ms', 'min', 'median', 'p90', 'max', '× floor', 'RSS MiB'];

export function rows(report: ColdStartReport): string[][] {
  return report.subjects.map((subject) => [
    subject.name,
    subject.request,
    phaseMedians(subject),
    ms(subject.total.min),
    ms(subject.total.median),
    ms(subject.total.p90),
    ms(subject.total.max),
    times(subject.ratioToFloor.median),
    mib(subject.rssBytes?.median),
  ]);
}

export function title(report: ColdStartReport): string {
  return `Cold start (${report.target}), ${report.runs} runs per subject, Node ${report.node}, ${report.machine.cpus} CPUs: ms from start to first correct answer`;
}
