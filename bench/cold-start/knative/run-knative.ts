import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@zerochat/local-services';
import { measureColdStart } from '../measure.ts';
import type { MeasuredSubject } from '../report/build-report.ts';
import { floorSubject } from '../subjects/reference-subjects.ts';
import { LOCAL_MILESTONES } from '../subjects/subject.ts';
import type { Cluster } from './cluster.ts';
import { KNATIVE_MILESTONES, monotonicMilestones, type PodObservation, watchedMilestones } from './pod-milestones.ts';

export interface KnativeOptions {
  runs: number;
  functions: readonly string[];
  /** Namespace of the Knative services. */
  namespace: string;
  /** Kong's proxy URL, e.g. http://192.168.1.240 */
  gatewayUrl: string;
  /** An admin account: its token serves all three real requests. */
  email: string;
  password: string;
  /** When set (e.g. "6s"), the autoscaling window is shortened for the run and restored after. */
  scaleDownWindow?: string;
  cluster: Cluster;
  progress: (line: string) => void;
  fetch?: typeof fetch;
  waitForZeroMs?: number;
  pollMs?: number;
}

const REQUESTS: Record<string, { label: string; path: string; expect: (body: string) => boolean }> = {
  auth: { label: 'GET /auth/me', path: '/auth/me', expect: (body) => body.includes('"email"') },
  chat: { label: 'GET /chat/conversations', path: '/chat/conversations', expect: (body) => body.startsWith('{') },
  admin: { label: 'GET /admin/status', path: '/admin/status', expect: (body) => body.includes('mongodb') },
  // The page needs no token; sending one changes nothing.
  web: { label: 'GET / (the page)', path: '/', expect: (body) => body.includes('<div id="app">') },
};

const WINDOW_ANNOTATION = 'autoscaling.knative.dev/window';
const TOKEN_MAX_AGE_MS = 10 * 60_000;

/** Waits until the Knative service has no pods at all (scaled to zero and terminated). */
export async function waitForZero(
  cluster: Cluster,
  namespace: string,
  service: string,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await cluster.listPods(namespace, `serving.knative.dev/service=${service}`)).length > 0) {
    if (Date.now() > deadline)
      throw new Error(`${service} still has pods after ${timeoutMs / 1000} s; is min-scale 0?`);
    await sleep(pollMs);
  }
}

/**
 * The Knative target: for each function, wait until it has scaled to zero, send the real
 * request through Kong, and time the answer and the pod's conditions as phases. Anything
 * changed on the cluster (the autoscaling window) is put back, also on failure.
 */
export async function runKnativeBenchmark(
  options: KnativeOptions,
): Promise<{ floor: MeasuredSubject; subjects: MeasuredSubject[] }> {
  const doFetch = options.fetch ?? fetch;
  const { cluster, namespace } = options;
  const restore: Array<() => Promise<void>> = [];
  let token = { value: '', at: 0 };

  const freshToken = async () => {
    if (Date.now() - token.at < TOKEN_MAX_AGE_MS) return token.value;
    const response = await doFetch(`${options.gatewayUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: options.email, password: options.password }),
    });
    if (!response.ok) throw new Error(`login through ${options.gatewayUrl} failed: ${response.status}`);
    token = { value: ((await response.json()) as { accessToken: string }).accessToken, at: Date.now() };
    return token.value;
  };

  try {
    if (options.scaleDownWindow) {
      for (const service of options.functions) {
        const previous = await cluster.templateAnnotation(namespace, service, WINDOW_ANNOTATION);
        await cluster.setTemplateAnnotation(namespace, service, WINDOW_ANNOTATION, options.scaleDownWindow);
        restore.push(() => cluster.setTemplateAnnotation(namespace, service, WINDOW_ANNOTATION, previous ?? null));
      }
    }

    const samples = new Map<string, Array<Record<string, number>>>(options.functions.map((fn) => [fn, []]));
    for (let run = 1; run <= options.runs; run++) {
      for (const service of options.functions) {
        const request = REQUESTS[service];
        if (!request) throw new Error(`no real request defined for ${service}`);
        const bearer = await freshToken();
        await waitForZero(cluster, namespace, service, options.waitForZeroMs ?? 15 * 60_000, options.pollMs ?? 2000);
        const observations: PodObservation[] = [];
        const stopWatching = await cluster.watchPods(
          namespace,
          `serving.knative.dev/service=${service}`,
          (pod, observedAt) => observations.push({ pod, observedAt }),
        );
        try {
          const sentAt = performance.now();
          const response = await doFetch(`${options.gatewayUrl}${request.path}`, {
            headers: { authorization: `Bearer ${bearer}` },
          });
          const body = await response.text();
          const answeredAt = performance.now();
          if (!response.ok || !request.expect(body)) {
            throw new Error(`${request.label} answered ${response.status}: ${body.slice(0, 200)}`);
          }
          await sleep(500); // let the watch deliver conditions that changed just before the answer
          const watched = { ...watchedMilestones(observations, sentAt), firstAnswer: answeredAt - sentAt };
          samples.get(service)?.push(
            monotonicMilestones(
              watched,
              KNATIVE_MILESTONES.map((m) => m.name),
            ),
          );
          options.progress(`run ${run}/${options.runs} ${service}: ${(answeredAt - sentAt).toFixed(0)} ms`);
        } finally {
          stopWatching();
        }
      }
    }

    const floor = floorSubject();
    const floorSamples: Array<Record<string, number>> = [];
    for (let run = 0; run < options.runs; run++)
      floorSamples.push({ ...(await measureColdStart(floor.spec(await freePort()))) });
    return {
      floor: {
        name: floor.name,
        kind: 'floor',
        request: 'GET / (local)',
        milestones: LOCAL_MILESTONES,
        samples: floorSamples,
      },
      subjects: options.functions.map((service) => ({
        name: service,
        kind: 'function' as const,
        request: `${REQUESTS[service]?.label} via Kong`,
        milestones: KNATIVE_MILESTONES,
        samples: samples.get(service) ?? [],
      })),
    };
  } finally {
    for (const undo of restore)
      await undo().catch((error: unknown) => options.progress(`could not restore: ${String(error)}`));
  }
}
