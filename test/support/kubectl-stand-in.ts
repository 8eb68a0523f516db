// STAND-IN for `microk8s kubectl` on a cluster with Knative, as knative/scripts/kub-deploy.sh
// talks to it (KUBECTL="node test/support/kubectl-stand-in.ts"): no kubelet, Knative or kubectl
// 1.27+ runs here. It records every call, renders `apply -k` with the real kustomize and, given
// KUBECTL_STAND_IN_KUBECONFIG, applies the objects to the test's real kube-apiserver. What
// Knative would do is modelled after its documented behaviour: the SinkBinding is Ready once it
// was applied and waited for, and its webhook gives a Job its sink (K_SINK) only when the Job is
// created while the binding is Ready; a Job without its sink never completes.
//
//   KUBECTL_STAND_IN_STATE   JSON file of the calls and the cluster's state (required)
//   KUBECTL_STAND_IN_WEBHOOK ready (Knative's behaviour) | late (the webhook sees the Ready
//                            binding one Job later) | never
import { readFile, writeFile } from 'node:fs/promises';
import type { KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { findKustomize, type KubernetesObject, parseObjects } from './kustomize.ts';

export const BROKER_SINK = 'http://broker-ingress.knative-eventing.svc.cluster.local/zerochat/default';

export interface StandInState {
  calls: string[][];
  sinkBindingApplied: boolean;
  sinkBindingReady: boolean;
  jobCreations: number;
  /** The K_SINK of the Job as it exists now; null when there is no Job or it has none. */
  jobSink: string | null;
  jobExists: boolean;
}

export const freshState = (): StandInState => ({
  calls: [],
  sinkBindingApplied: false,
  sinkBindingReady: false,
  jobCreations: 0,
  jobSink: null,
  jobExists: false,
});

/** kubectl's label filter of `apply --selector`, for the `key=value` and `key!=value` forms. */
function matches(object: KubernetesObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [key = '', value] = term.split(/!?=/);
    const label = object.metadata.labels?.[key];
    return term.includes('!=') ? label !== value : label === value;
  });
}

async function connect(kubeconfig: string) {
  const [{ KubeConfig }, { strictApplier }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('./strict-apply.ts'),
  ]);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return strictApplier(config);
}

const flag = (args: string[], ...names: string[]) => {
  const index = args.findIndex((arg) => names.includes(arg));
  return index >= 0 ? args[index + 1] : undefined;
};

async function main(args: string[]): Promise<number> {
  const stateFile = process.env.KUBECTL_STAND_IN_STATE;
  if (!stateFile) throw new Error('KUBECTL_STAND_IN_STATE is not set');
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as StandInState;
  state.calls.push(args);
  const save = () => writeFile(stateFile, JSON.stringify(state));
  const kubeconfig = process.env.KUBECTL_STAND_IN_KUBECONFIG;
  // Loaded only when there is an API server to talk to: each kubectl call is a process of its own.
  const apiServer = kubeconfig ? await connect(kubeconfig) : undefined;
  const [verb, what = ''] = args;
  try {
    if (verb === 'apply' && flag(args, '-k')) {
      const kustomize = await findKustomize();
      const objects = parseObjects(await kustomize(flag(args, '-k') as string)).filter((object) =>
        matches(object, flag(args, '--selector', '-l')),
      );
      for (const object of objects) {
        if (object.kind === 'SinkBinding') state.sinkBindingApplied = true;
        if (object.kind === 'Job') {
          state.jobCreations += 1;
          const webhook = process.env.KUBECTL_STAND_IN_WEBHOOK ?? 'ready';
          const injects =
            state.sinkBindingReady && (webhook === 'ready' || (webhook === 'late' && state.jobCreations > 1));
          // The SinkBinding's webhook mutates the Job as it is created (Knative's psbinding).
          const job = object as unknown as { spec: { template: { spec: { containers: { env?: object[] }[] } } } };
          const container = job.spec.template.spec.containers[0];
          if (injects && container) container.env = [...(container.env ?? []), { name: 'K_SINK', value: BROKER_SINK }];
          state.jobSink = injects ? BROKER_SINK : null;
          state.jobExists = true;
        }
        await apiServer?.apply(object as ClientObject);
        process.stdout.write(`${object.kind.toLowerCase()}/${object.metadata.name} serverside-applied\n`);
      }
      return 0;
    }
    if (verb === 'delete' && what === 'job') {
      if (state.jobExists) {
        await apiServer?.remove({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: args[2], namespace: 'zerochat' },
        });
      }
      state.jobExists = false;
      state.jobSink = null;
      return 0;
    }
    if (verb === 'wait' && what === 'sinkbinding/zerochat-bootstrap') {
      if (!state.sinkBindingApplied) {
        process.stderr.write(
          'Error from server (NotFound): sinkbindings.sources.knative.dev "zerochat-bootstrap" not found\n',
        );
        return 1;
      }
      state.sinkBindingReady = true;
      process.stdout.write('sinkbinding.sources.knative.dev/zerochat-bootstrap condition met\n');
      return 0;
    }
    if (verb === 'wait' && what === 'job/zerochat-bootstrap') {
      if (state.jobSink) return 0;
      // The sender exits with "no sink" on every retry: the Job never completes.
      process.stderr.write('error: timed out waiting for the condition on jobs/zerochat-bootstrap\n');
      return 1;
    }
    if (verb === 'get' && what === 'job') {
      process.stdout.write(state.jobSink ?? '');
      return state.jobExists ? 0 : 1;
    }
    if (verb === 'get' && what === 'service') {
      process.stdout.write('10.64.140.43');
      return 0;
    }
    if ((verb === 'get' && what === 'crd') || verb === 'rollout' || (verb === 'wait' && what === 'ksvc')) return 0;
    process.stderr.write(`kubectl stand-in: no answer for: kubectl ${args.join(' ')}\n`);
    return 1;
  } finally {
    await save();
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`kubectl stand-in: ${error.message}\n`);
      process.exit(1);
    },
  );
}
