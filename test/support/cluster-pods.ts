import type { KubernetesObject } from './kustomize.ts';

// The pods a cluster would run for rendered objects, as far as label selectors and named ports
// go: no kubelet or Knative controller runs here, so this reproduces what they would make.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Json = Record<string, any>;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** Kubernetes' label selector semantics; an empty selector selects everything. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabel && byExpression;
}

export interface PodSketch {
  /** What made it: `Service/chat` (Knative), `Deployment/kong`, … */
  owner: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort: number }>;
}

/** Knative's name for the port of a revision's serving container (knative.dev/serving v1.UserPortName). */
export const KNATIVE_USER_PORT = 'user-port';

/**
 * The pods of the rendered workloads. A Knative Service's pods carry its template's labels plus
 * `serving.knative.dev/service` (and configuration, revision), and Knative replaces the serving
 * container's ports with one named `user-port` (knative.dev/serving v0.49
 * pkg/reconciler/revision/resources/deploy.go, buildContainerPorts). Deployments, StatefulSets
 * and Jobs run their template as it is.
 */
export function podsOf(objects: readonly KubernetesObject[]): PodSketch[] {
  return objects.flatMap((object): PodSketch[] => {
    const spec = object.spec as Json | undefined;
    const template = spec?.template as Json | undefined;
    if (!template) return [];
    const namespace = object.metadata.namespace;
    const containers = (template.spec?.containers ?? []) as Json[];
    if (object.kind === 'Service' && object.apiVersion === 'serving.knative.dev/v1') {
      const name = object.metadata.name;
      return [
        {
          owner: `Service/${name}`,
          namespace,
          labels: {
            ...template.metadata?.labels,
            'serving.knative.dev/service': name,
            'serving.knative.dev/configuration': name,
            'serving.knative.dev/revision': `${name}-00001`,
          },
          ports: [{ name: KNATIVE_USER_PORT, containerPort: containers[0]?.ports?.[0]?.containerPort ?? 8080 }],
        },
      ];
    }
    if (!['Deployment', 'StatefulSet', 'Job'].includes(object.kind)) return [];
    return [
      {
        owner: `${object.kind}/${object.metadata.name}`,
        namespace,
        labels: template.metadata?.labels ?? {},
        ports: containers.flatMap((container) => container.ports ?? []),
      },
    ];
  });
}

/** A label selector as a list request's `labelSelector`, for the API server to do the selecting. */
export function selectorQuery(selector: LabelSelector): string {
  const byLabel = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  const byExpression = (selector.matchExpressions ?? []).map(({ key, operator, values = [] }) => {
    if (operator === 'In') return `${key} in (${values.join(',')})`;
    if (operator === 'NotIn') return `${key} notin (${values.join(',')})`;
    if (operator === 'Exists') return key;
    return `!${key}`;
  });
  return [...byLabel, ...byExpression].join(',');
}
