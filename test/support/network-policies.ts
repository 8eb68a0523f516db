import type { KubernetesObject } from './kustomize.ts';

// Kubernetes' NetworkPolicy semantics for ingress, so rendered policies can be checked on a
// machine without a network plugin: which policies select a pod, and whether any of their rules
// admits a sender. Follows the networking.k8s.io/v1 reference: a pod no policy selects admits
// everything; a selected pod admits what any rule of any selecting policy admits.

export type Labels = Readonly<Record<string, string>>;

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}

interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Array<{ from?: PolicyPeer[]; ports?: Array<{ port?: number | string; protocol?: string }> }>;
}

/** A pod as a policy sees it: its namespace (with that namespace's labels) and its own labels. */
export interface PodEndpoint {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
}

/** Whether `labels` satisfy a label selector; the empty selector matches everything. */
export function selects(selector: LabelSelector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false; // an operator Kubernetes does not know selects nothing
    }
  });
  return byLabels && byExpressions;
}

/** The labels the API server gives a namespace on creation, beside those of its manifest. */
export function namespaceLabels(name: string, manifestLabels: Labels = {}): Labels {
  return { ...manifestLabels, 'kubernetes.io/metadata.name': name };
}

const specOf = (policy: KubernetesObject) => policy.spec as NetworkPolicySpec;

/** The ingress policies of the rendered objects that select `pod`. */
export function policiesSelecting(objects: readonly KubernetesObject[], pod: PodEndpoint): KubernetesObject[] {
  return objects.filter(
    (object) =>
      object.kind === 'NetworkPolicy' &&
      object.metadata.namespace === pod.namespace &&
      (specOf(object).policyTypes ?? ['Ingress']).includes('Ingress') &&
      selects(specOf(object).podSelector, pod.labels),
  );
}

function peerAdmits(peer: PolicyPeer, sender: PodEndpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) return false; // pod-to-pod traffic is judged by selectors, never by ipBlock here
  const namespaceMatches = peer.namespaceSelector
    ? selects(peer.namespaceSelector, sender.namespaceLabels)
    : sender.namespace === policyNamespace;
  return namespaceMatches && (peer.podSelector ? selects(peer.podSelector, sender.labels) : true);
}

/** Whether `sender` may open a TCP connection to `port` of `pod`, under the rendered policies. */
export function admits(
  objects: readonly KubernetesObject[],
  sender: PodEndpoint,
  pod: PodEndpoint,
  port: number,
): boolean {
  const policies = policiesSelecting(objects, pod);
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    (specOf(policy).ingress ?? []).some(
      (rule) =>
        (rule.from === undefined || rule.from.some((peer) => peerAdmits(peer, sender, pod.namespace))) &&
        (rule.ports === undefined ||
          rule.ports.some(
            (allowed) => (allowed.protocol ?? 'TCP') === 'TCP' && (allowed.port === undefined || allowed.port === port),
          )),
    ),
  );
}
