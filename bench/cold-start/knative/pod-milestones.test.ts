import { describe, expect, it } from 'vitest';
import recording from './fixtures/chat-cold-start-watch.json' with { type: 'json' };
import {
  apiMilestones,
  coldStartPod,
  monotonicMilestones,
  type PodObservation,
  type PodSnapshot,
  watchedMilestones,
} from './pod-milestones.ts';

// Pod watch events in the Kubernetes v1 Pod format, as a watch delivers them while a
// Knative Service scales from zero (no cluster can run here).
const sentAt = 10_000;
const observations: PodObservation[] = recording.events.map((event) => ({
  observedAt: sentAt + event.offsetMs,
  pod: event.pod as PodSnapshot,
}));

describe('pod milestones', () => {
  it('picks the pod that was created for the request, not the one still terminating', () => {
    expect(coldStartPod(observations, sentAt)).toBe('chat-00001-deployment-7d9c8b5f6c-q4m7z');
  });

  it('times each condition by when the watch first saw it true', () => {
    expect(watchedMilestones(observations, sentAt)).toEqual({
      scheduled: 45,
      initialized: 412,
      containersReady: 1460,
      ready: 1460,
    });
  });

  it('reads the API timestamps too, at their one-second resolution', () => {
    const pod = observations.at(-1)?.pod as PodSnapshot;
    expect(apiMilestones(pod, Date.parse(recording.requestSentAt))).toEqual({
      scheduled: 200,
      initialized: 200,
      containersReady: 1200,
      ready: 1200,
    });
  });

  it('fills missed milestones and clamps late ones, so no phase is negative', () => {
    const order = ['scheduled', 'initialized', 'ready', 'firstAnswer'];
    expect(monotonicMilestones({ scheduled: 40, ready: 1600, firstAnswer: 1500 }, order)).toEqual({
      scheduled: 40,
      initialized: 1500,
      ready: 1500,
      firstAnswer: 1500,
    });
  });
});
