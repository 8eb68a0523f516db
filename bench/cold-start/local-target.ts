import { freePort } from '@zerochat/local-services';
import { measureColdStart } from './measure.ts';
import type { MeasuredSubject } from './report/build-report.ts';
import { LOCAL_MILESTONES, type LocalSubject } from './subjects/subject.ts';

/**
 * Measures every subject `runs` times, round-robin, so that a slow spell of the machine
 * spreads over all subjects instead of skewing one.
 */
export async function measureLocally(options: {
  runs: number;
  /** When set, each process also stays idle this long after its first answer, for its memory then. */
  idleMs?: number;
  floor: LocalSubject;
  subjects: readonly LocalSubject[];
  progress: (line: string) => void;
}): Promise<{ floor: MeasuredSubject; subjects: MeasuredSubject[] }> {
  const all = [options.floor, ...options.subjects];
  const samples = new Map<LocalSubject, Array<Record<string, number>>>(all.map((subject) => [subject, []]));
  for (let run = 1; run <= options.runs; run++) {
    for (const subject of all) {
      const sample = await measureColdStart(subject.spec(await freePort()), { idleMs: options.idleMs ?? 0 });
      samples.get(subject)?.push({ ...sample });
      options.progress(`run ${run}/${options.runs} ${subject.name}: ${sample.firstAnswer.toFixed(1)} ms`);
    }
  }
  const measured = (subject: LocalSubject): MeasuredSubject => ({
    name: subject.name,
    kind: subject.kind,
    request: subject.spec(0).request.label,
    milestones: LOCAL_MILESTONES,
    samples: samples.get(subject) ?? [],
  });
  return { floor: measured(options.floor), subjects: options.subjects.map(measured) };
}
