import { describe, expect, it } from 'vitest';
import type { Cluster } from './cluster.ts';
import recording from './fixtures/chat-cold-start-watch.json' with { type: 'json' };
import type { PodSnapshot } from './pod-milestones.ts';
import { runKnativeBenchmark } from './run-knative.ts';

/**
 * A stand-in for the Kubernetes API (no cluster runs here): pods are listed until the
 * service has "scaled to zero", and the recorded watch events are replayed after the request.
 */
function standInCluster() {
  const annotations = new Map<string, string | null>([['chat', '60s']]);
  const changes: Array<[string, string | null]> = [];
  let listCalls = 0;
  const cluster: Cluster = {
    async listPods(_namespace, labelSelector) {
      expect(labelSelector).toBe('serving.knative.dev/service=chat');
      listCalls += 1;
      return listCalls % 3 === 0 ? [] : [recording.events[0]?.pod as PodSnapshot];
    },
    async watchPods(namespace, labelSelector, onPod) {
      expect({ namespace, labelSelector }).toEqual({
        namespace: 'zerochat',
        labelSelector: 'serving.knative.dev/service=chat',
      });
      const started = performance.now();
      const timers = recording.events.map((event) =>
        setTimeout(() => onPod(event.pod as PodSnapshot, started + 20 + event.offsetMs), 0),
      );
      return () => {
        for (const timer of timers) clearTimeout(timer);
      };
    },
    async templateAnnotation(_namespace, service) {
      return annotations.get(service) ?? undefined;
    },
    async setTemplateAnnotation(_namespace, service, key, value) {
      expect(key).toBe('autoscaling.knative.dev/window');
      changes.push([service, value]);
      annotations.set(service, value);
    },
  };
  return { cluster, changes, annotations };
}

/** A stand-in for Kong's proxy that checks requests against the documented API. */
function standInGateway(options: { failConversations?: boolean } = {}) {
  const calls: string[] = [];
  const gatewayFetch = (async (url: string | URL, init?: RequestInit) => {
    const { pathname } = new URL(url);
    calls.push(pathname);
    if (pathname === '/auth/login') {
      expect(init?.method).toBe('POST');
      expect(new Headers(init?.headers).get('content-type')).toBe('application/json');
      expect(JSON.parse(String(init?.body))).toEqual({ email: 'admin@example.com', password: 'secret-password' });
      return Response.json({ accessToken: 'token-1', tokenType: 'Bearer', expiresIn: 900 });
    }
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer token-1');
    if (options.failConversations) return new Response('{"code":"upstream_unavailable"}', { status: 503 });
    // 60 ms by performance.now(), the benchmark's clock: a timer may fire a little before it.
    const until = performance.now() + 60;
    while (performance.now() < until) await new Promise((resolve) => setTimeout(resolve, until - performance.now()));
    return Response.json({ items: [], nextCursor: null });
  }) as typeof fetch;
  return { gatewayFetch, calls };
}

const base = {
  runs: 2,
  functions: ['chat'],
  namespace: 'zerochat',
  gatewayUrl: 'http://kong.example',
  email: 'admin@example.com',
  password: 'secret-password',
  progress: () => undefined,
  pollMs: 1,
};

describe('the Knative cold-start target', () => {
  it('measures each run from a scaled-to-zero service and restores the autoscaling window', async () => {
    const { cluster, changes, annotations } = standInCluster();
    const { gatewayFetch, calls } = standInGateway();
    const result = await runKnativeBenchmark({ ...base, cluster, fetch: gatewayFetch, scaleDownWindow: '6s' });

    expect(calls.filter((path) => path === '/auth/login')).toHaveLength(1);
    expect(calls.filter((path) => path === '/chat/conversations')).toHaveLength(2);
    const [subject] = result.subjects;
    expect(subject?.request).toBe('GET /chat/conversations via Kong');
    expect(subject?.samples).toHaveLength(2);
    for (const sample of subject?.samples ?? []) {
      expect(Object.keys(sample).sort()).toEqual([
        'containersReady',
        'firstAnswer',
        'initialized',
        'ready',
        'scheduled',
      ]);
      expect(sample.firstAnswer).toBeGreaterThanOrEqual(60);
      expect(sample.scheduled).toBeLessThanOrEqual(sample.initialized ?? 0);
    }
    expect(result.floor.samples).toHaveLength(2);
    expect(changes).toEqual([
      ['chat', '6s'],
      ['chat', '60s'],
    ]);
    expect(annotations.get('chat')).toBe('60s');
  });

  it('puts the window back when a run fails', async () => {
    const { cluster, annotations } = standInCluster();
    const { gatewayFetch } = standInGateway({ failConversations: true });
    await expect(runKnativeBenchmark({ ...base, cluster, fetch: gatewayFetch, scaleDownWindow: '6s' })).rejects.toThrow(
      /GET \/chat\/conversations answered 503/,
    );
    expect(annotations.get('chat')).toBe('60s');
  });
});
