import { describeMachine } from '../../report/machine.ts';
import { type Summary, summarize } from '../statistics.ts';
import { type ColdStartReport, type PhaseReport, REPORT_SCHEMA, type SubjectReport } from './schema.ts';

export interface Milestone {
  name: string;
  label: string;
}

export interface MeasuredSubject {
  name: string;
  kind: SubjectReport['kind'];
  request: string;
  /** In order; the last one is the first correct answer. */
  milestones: readonly Milestone[];
  samples: ReadonlyArray<Record<string, number>>;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

function phases(subject: MeasuredSubject): PhaseReport[] {
  return subject.milestones.map((milestone, i) => {
    const previous = subject.milestones[i - 1];
    return {
      name: milestone.name,
      label: milestone.label,
      at: summarize(subject.samples.map((sample) => sample[milestone.name] ?? Number.NaN)),
      duration: summarize(
        subject.samples.map(
          (sample) => (sample[milestone.name] ?? Number.NaN) - (previous ? (sample[previous.name] ?? Number.NaN) : 0),
        ),
      ),
    };
  });
}

function total(subject: MeasuredSubject): Summary {
  const last = subject.milestones.at(-1);
  if (!last) throw new Error(`${subject.name} has no milestones`);
  return summarize(subject.samples.map((sample) => sample[last.name] ?? Number.NaN));
}

export function buildReport(options: {
  target: ColdStartReport['target'];
  runs: number;
  floor: MeasuredSubject;
  subjects: readonly MeasuredSubject[];
  now?: Date;
}): ColdStartReport {
  const floorTotal = total(options.floor);
  const all = [options.floor, ...options.subjects];
  return {
    schema: REPORT_SCHEMA,
    target: options.target,
    createdAt: (options.now ?? new Date()).toISOString(),
    node: process.versions.node,
    machine: describeMachine(),
    runs: options.runs,
    floor: options.floor.name,
    subjects: all.map((subject) => {
      const subjectTotal = total(subject);
      const measured = (key: string) => {
        const values = subject.samples.map((sample) => sample[key]).filter((v): v is number => v !== undefined);
        return values.length ? summarize(values) : null;
      };
      return {
        name: subject.name,
        kind: subject.kind,
        request: subject.request,
        phases: phases(subject),
        total: subjectTotal,
        ratioToFloor: {
          median: ratio(subjectTotal.median, floorTotal.median),
          p90: ratio(subjectTotal.p90, floorTotal.p90),
        },
        rssBytes: measured('rssBytes'),
        rssIdleBytes: measured('rssIdleBytes'),
        cpuMs: measured('cpuMs'),
        samples: subject.samples.map((sample) => ({ ...sample })),
      };
    }),
  };
}
