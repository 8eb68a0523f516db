import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { KNATIVE_NAMESPACE } from '@zerochat/kong';
import { REPO_ROOT } from '@zerochat/local-services';
import type { TestKubernetes } from '../../../test/support/kubernetes-api.ts';
import { parseObjects } from '../../../test/support/kustomize.ts';

/**
 * The zerochat namespace in the test API server, with the ServiceAccounts, Roles and
 * RoleBindings exactly as knative/base/rbac.yaml has them: the admin function's calls, made with
 * a token of its ServiceAccount (`kubernetes.serviceAccountKubeconfig`), are then judged by the
 * API server's RBAC as on a cluster.
 */
export async function applyZerochatRbac(kubernetes: TestKubernetes): Promise<void> {
  await kubernetes.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: KNATIVE_NAMESPACE } });
  for (const object of parseObjects(await readFile(join(REPO_ROOT, 'knative/base/rbac.yaml'), 'utf8'))) {
    await kubernetes.apply({
      ...object,
      metadata: { ...object.metadata, namespace: KNATIVE_NAMESPACE },
    } as ClientObject);
  }
}
