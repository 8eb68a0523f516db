/**
 * The parts of a Kubernetes Pod this benchmark reads. Watches deliver JSON (timestamps as
 * strings); the typed client's lists deliver Dates; both fit.
 */
export interface PodSnapshot {
  metadata?: { name?: string; deletionTimestamp?: string | Date };
  status?: { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string | Date }> };
}

/** The phases of a cold start on Knative, in ms after the request left the benchmark. */
export const KNATIVE_MILESTONES = [
  { name: 'scheduled', label: 'request → pod scheduled' },
  { name: 'initialized', label: 'scheduled → initialized' },
  { name: 'containersReady', label: 'initialized → containers ready' },
  { name: 'ready', label: 'containers ready → pod ready' },
  { name: 'firstAnswer', label: 'pod ready → first answer' },
] as const;

const CONDITIONS = {
  scheduled: 'PodScheduled',
  initialized: 'Initialized',
  containersReady: 'ContainersReady',
  ready: 'Ready',
} as const;

type PodMilestone = keyof typeof CONDITIONS;

/** A pod as a watch delivered it, with the local time (performance.now()) it arrived. */
export interface PodObservation {
  observedAt: number;
  pod: PodSnapshot;
}

const conditionTrue = (pod: PodSnapshot, type: string) =>
  pod.status?.conditions?.some((condition) => condition.type === type && condition.status === 'True') ?? false;

/**
 * The pod that served the cold start: the first one the watch saw being added after the
 * request was sent (pods still terminating from the last scale-down are ignored).
 */
export function coldStartPod(observations: readonly PodObservation[], requestSentAt: number): string | undefined {
  return observations.find(
    (o) => o.observedAt >= requestSentAt && !o.pod.metadata?.deletionTimestamp && !conditionTrue(o.pod, 'Ready'),
  )?.pod.metadata?.name;
}

/**
 * When each pod condition was first seen true, in ms after the request, measured on the
 * benchmark's own clock (the API's lastTransitionTime has only one-second resolution).
 */
export function watchedMilestones(
  observations: readonly PodObservation[],
  requestSentAt: number,
): Partial<Record<PodMilestone, number>> {
  const name = coldStartPod(observations, requestSentAt);
  const milestones: Partial<Record<PodMilestone, number>> = {};
  for (const observation of observations) {
    if (observation.pod.metadata?.name !== name) continue;
    for (const [milestone, type] of Object.entries(CONDITIONS) as Array<[PodMilestone, string]>) {
      if (milestones[milestone] === undefined && conditionTrue(observation.pod, type)) {
        milestones[milestone] = observation.observedAt - requestSentAt;
      }
    }
  }
  return milestones;
}

/** The same milestones from the pod's own condition timestamps (seconds), for cross-checking. */
export function apiMilestones(pod: PodSnapshot, requestSentAtEpochMs: number): Partial<Record<PodMilestone, number>> {
  const milestones: Partial<Record<PodMilestone, number>> = {};
  for (const [milestone, type] of Object.entries(CONDITIONS) as Array<[PodMilestone, string]>) {
    const condition = pod.status?.conditions?.find((c) => c.type === type && c.status === 'True');
    if (condition?.lastTransitionTime) {
      milestones[milestone] = new Date(condition.lastTransitionTime).getTime() - requestSentAtEpochMs;
    }
  }
  return milestones;
}

/**
 * Fills gaps and lag: a milestone the watch missed (two conditions changed in one event) or
 * saw late (after a later one) takes the time of the next milestone, so phases never go
 * negative. `order` ends with a milestone every sample has (the first answer).
 */
export function monotonicMilestones(
  sample: Readonly<Record<string, number | undefined>>,
  order: readonly string[],
): Record<string, number> {
  const result: Record<string, number> = {};
  let next = Number.POSITIVE_INFINITY;
  for (const name of [...order].reverse()) {
    const value = Math.min(sample[name] ?? next, next);
    result[name] = value;
    next = value;
  }
  return result;
}
