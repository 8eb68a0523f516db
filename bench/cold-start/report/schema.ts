import type { Machine } from '../../report/machine.ts';
import type { Summary } from '../statistics.ts';

// The JSON a cold-start run writes (`--json`). docs/performance.md describes it for readers;
// this is the definition. Times are milliseconds, sizes bytes.

export const REPORT_SCHEMA = 'zerochat/bench/cold-start@1';

export interface ColdStartReport {
  schema: typeof REPORT_SCHEMA;
  target: 'local' | 'knative';
  createdAt: string;
  /** Node.js version every measured process ran on. */
  node: string;
  machine: Machine;
  /** Cold starts per subject. */
  runs: number;
  /** Name of the subject every ratio is taken against. */
  floor: string;
  subjects: SubjectReport[];
}

export interface PhaseReport {
  /** Milestone id, e.g. "listening", "ready", "firstAnswer". */
  name: string;
  label: string;
  /** Time from the start (spawn, or the request on Knative) until this milestone. */
  at: Summary;
  /** Time from the previous milestone until this one. */
  duration: Summary;
}

export interface SubjectReport {
  name: string;
  /** floor: bare node:http; peer: Knative Functions' runtime; stack: the least function on zerochat's stack. */
  kind: 'floor' | 'peer' | 'stack' | 'function';
  /** The real request whose first correct answer ends a cold start. */
  request: string;
  phases: PhaseReport[];
  /** Start to first correct answer. */
  total: Summary;
  /** Total divided by the floor's total (medians and p90s). */
  ratioToFloor: { median: number; p90: number };
  /** Resident memory after the first answer; null where not measurable (Knative). */
  rssBytes: Summary | null;
  /** Resident memory after the first answer and `--idle` seconds without requests; null unless asked for. */
  rssIdleBytes: Summary | null;
  /** CPU time of all the process's threads by the first answer; null where not measurable. */
  cpuMs: Summary | null;
  /** Every run: milestone → ms since start, plus rssBytes, cpuMs and rssIdleBytes when measured. */
  samples: Array<Record<string, number>>;
}
