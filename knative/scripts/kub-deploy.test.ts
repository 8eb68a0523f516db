import { execFile } from 'node:child_process';
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubernetesObject as ClientObject } from '@kubernetes/client-node';
import { REPO_ROOT } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_SINK, freshState, type StandInState } from '../../test/support/kubectl-stand-in.ts';
import { useKubernetesApiServer } from '../../test/support/kubernetes-api.ts';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from '../../test/support/kustomize.ts';

// kub-deploy.sh's steps, run against a stand-in for `microk8s kubectl` on a cluster with Knative
// (test/support/kubectl-stand-in.ts): it renders with the real kustomize, applies to a real
// kube-apiserver, and behaves as Knative's SinkBinding does: its webhook gives the bootstrap
// Job its sink only when the Job is created after the binding is Ready, and a Job's pod
// template cannot change afterwards. No Knative controller or webhook runs here.

const run = promisify(execFile);
// Each step of the script is a kubectl call, here a Node process of its own that may render
// with kustomize: a deploy is some 15 processes, a few seconds each on a loaded machine.
const DEPLOY_MS = 180_000;
const kubernetes = useKubernetesApiServer();
let copy: { root: string; cleanup: () => Promise<void> };
let overlay: KubernetesObject[] = [];

beforeAll(async () => {
  copy = await knativeCopy();
  // The copy's knative/ sits in a checkout of links: the script may run the repository's Node
  // programs (write-secrets.ts) with what they import; they write into the copy's knative/ only.
  for (const entry of await readdir(REPO_ROOT)) {
    if (!['knative', '.git', '.cache', '.data'].includes(entry)) {
      await symlink(join(REPO_ROOT, entry), join(copy.root, entry));
    }
  }
  overlay = parseObjects(await (await findKustomize())(join(copy.root, 'knative/overlays/microk8s')));
}, 300_000);
afterAll(() => copy?.cleanup());

interface Deploy {
  code: number;
  stdout: string;
  stderr: string;
  state: StandInState;
}

async function deploy(options: { webhook: 'ready' | 'late' | 'never'; apiServer: boolean; state?: StandInState }) {
  const stateFile = join(copy.root, `kubectl-state-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(stateFile, JSON.stringify(options.state ?? freshState()));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KUBECTL: `${process.execPath} ${join(REPO_ROOT, 'test/support/kubectl-stand-in.ts')}`,
    KUBECTL_STAND_IN_STATE: stateFile,
    KUBECTL_STAND_IN_WEBHOOK: options.webhook,
    ZEROCHAT_IMAGES_FILE: '/nonexistent',
    ZEROCHAT_CACHE_DIR: process.env.ZEROCHAT_CACHE_DIR,
  };
  if (options.apiServer) env.KUBECTL_STAND_IN_KUBECONFIG = kubernetes.kubeconfigFile;
  const outcome = await run('bash', [join(copy.root, 'knative/scripts/kub-deploy.sh')], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as StandInState;
  return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr, state } satisfies Deploy;
}

/** The steps, in order: each apply with its selector, each wait with what it waits for. */
const steps = (state: StandInState) =>
  state.calls
    .filter(([verb]) => verb === 'apply' || verb === 'wait' || verb === 'delete')
    .map((call) => (call[0] === 'apply' ? `apply ${call[call.indexOf('--selector') + 1]}` : `${call[0]} ${call[1]}`));

describe('kub-deploy.sh on a fresh cluster', () => {
  it(
    'creates the bootstrap Job only once its SinkBinding is Ready, so the Job gets its sink; a rerun works too',
    async () => {
      const first = await deploy({ webhook: 'ready', apiServer: true });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(steps(first.state)).toEqual([
        'delete job',
        'apply app.kubernetes.io/name!=zerochat-bootstrap',
        'wait sinkbinding/zerochat-bootstrap',
        'apply app.kubernetes.io/name=zerochat-bootstrap',
        'wait ksvc',
        'wait job/zerochat-bootstrap',
      ]);
      // The Job as the API server stored it carries the sink the binding gave it.
      const job = (await kubernetes.read({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'zerochat-bootstrap', namespace: 'zerochat' },
      })) as ClientObject & { spec: { template: { spec: { containers: { env?: object[] }[] } } } };
      expect(job.spec.template.spec.containers[0]?.env).toContainEqual({ name: 'K_SINK', value: BROKER_SINK });
      // Both applies together store every object of the overlay.
      for (const object of overlay) {
        expect(
          (await kubernetes.read(object as ClientObject)).metadata?.uid,
          `${object.kind}/${object.metadata.name}`,
        ).toBeTruthy();
      }

      const again = await deploy({ webhook: 'ready', apiServer: true, state: { ...first.state, calls: [] } });
      expect(again.code).toBe(0);
      expect(again.state.jobCreations).toBe(first.state.jobCreations + 1);
    },
    2 * DEPLOY_MS,
  );
});

describe('kub-deploy.sh when the Job misses its sink', () => {
  it(
    'creates the Job again when the webhook saw the Ready binding too late',
    async () => {
      const { code, state } = await deploy({ webhook: 'late', apiServer: false });
      expect(code).toBe(0);
      expect(state.jobCreations).toBe(2);
      expect(state.jobSink).toBe(BROKER_SINK);
    },
    DEPLOY_MS,
  );

  it(
    'stops with a clear message when the binding never gives the Job its sink',
    async () => {
      const { code, stderr, state } = await deploy({ webhook: 'never', apiServer: false });
      expect(code).toBe(1);
      expect(stderr).toContain('kub-deploy.sh: the SinkBinding did not give the bootstrap Job its sink (K_SINK)');
      expect(state.jobCreations).toBe(5);
      expect(state.calls.some(([verb, what]) => verb === 'wait' && what === 'job/zerochat-bootstrap')).toBe(false);
    },
    DEPLOY_MS,
  );
});
