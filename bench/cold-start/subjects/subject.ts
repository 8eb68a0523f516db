import type { ProcessSpec } from '../measure.ts';

/** Something whose cold start is measured: a function bundle, the floor, or the peer. */
export interface LocalSubject {
  name: string;
  kind: 'floor' | 'peer' | 'stack' | 'function';
  /** The process to spawn, listening on `port`. */
  spec(port: number): ProcessSpec;
}

export const LOCAL_MILESTONES = [
  { name: 'listening', label: 'spawn → listening' },
  { name: 'ready', label: 'listening → ready' },
  { name: 'firstAnswer', label: 'ready → first answer' },
] as const;
