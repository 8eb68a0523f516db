import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import type { BuildOptions } from './go-build.ts';
import { ensureGoProgram } from './go-program.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

/** The releases tools/control-plane builds (its go.mod pins them). */
export const KUBERNETES_VERSION = 'v1.34.3';
export const ETCD_VERSION = 'v3.6.5';
/** MicroK8s' service network, so ClusterIPs look as they would there. */
const SERVICE_CLUSTER_IP_RANGE = '10.152.183.0/24';
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** etcd and kube-apiserver in one binary (tools/control-plane), built once from their Go modules. */
export function ensureControlPlane(options: BuildOptions): Promise<string> {
  return ensureGoProgram(options, 'tools/control-plane');
}

export interface KubernetesApiServerOptions {
  /** The tools/control-plane binary. */
  binary: string;
  /** etcd's data, the serving certificate, keys and logs live here. */
  dataDir: string;
  registryDir: string;
}

/**
 * A real kube-apiserver on loopback (HTTPS, a self-signed certificate it makes itself), on its
 * own etcd. Authentication: a static admin token (group system:masters) and ServiceAccount
 * tokens it signs; authorization: RBAC. No controller manager, scheduler or kubelet runs: what
 * is stored stays as stored (no pods from Deployments, no namespace deletion, no tokens in
 * Secrets), and no admission webhook of any operator is installed.
 */
export interface KubernetesApiServer {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** The certificate (and its CA) the API server serves; clients trust it. */
  readonly caFile: string;
  /** A bearer token of the group system:masters. */
  readonly adminToken: string;
  /** A kubeconfig file that reaches the server with `token` (the admin token by default). */
  kubeconfig(options?: { token?: string; namespace?: string; name?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startKubernetesApiServer(options: KubernetesApiServerOptions): Promise<KubernetesApiServer> {
  const { binary, dataDir, registryDir } = options;
  await mkdir(join(dataDir, 'certs'), { recursive: true });
  const adminToken = randomBytes(24).toString('hex');
  await writeFile(
    join(dataDir, 'tokens.csv'),
    `${adminToken},zerochat-test-admin,zerochat-test-admin,"system:masters"\n`,
    {
      mode: 0o600,
    },
  );
  // The key pair ServiceAccount tokens are signed and checked with.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(join(dataDir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(dataDir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const process of started.reverse()) await process.stop();
  };
  try {
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    started.push(
      await startServiceProcess({
        name: 'etcd',
        command: binary,
        args: [
          'etcd',
          '--name=zerochat-test',
          `--data-dir=${join(dataDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=zerochat-test=${peerUrl}`,
          // A throw-away store: no fsync keeps it fast on a loaded machine.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        logFile: join(dataDir, 'etcd.log'),
        isReady: async () => (await fetch(`${etcdUrl}/health`)).ok,
        readyTimeoutMs: 60_000,
        registryDir,
      }),
    );
    const caFile = join(dataDir, 'certs', 'apiserver.crt');
    const url = `https://127.0.0.1:${apiPort}`;
    started.push(
      await startServiceProcess({
        name: 'kube-apiserver',
        command: binary,
        args: [
          'kube-apiserver',
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          // No certificate given: it makes a self-signed one (with its CA) in this folder.
          `--cert-dir=${join(dataDir, 'certs')}`,
          `--token-auth-file=${join(dataDir, 'tokens.csv')}`,
          '--anonymous-auth=false',
          '--authorization-mode=RBAC',
          `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
          `--service-account-key-file=${join(dataDir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(dataDir, 'sa.key')}`,
          `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
          // One client (the tests): request queuing would only cost start-up time.
          '--enable-priority-and-fairness=false',
        ],
        logFile: join(dataDir, 'kube-apiserver.log'),
        isReady: () => answers(`${url}/readyz`, adminToken, caFile),
        // It migrates etcd and creates the bootstrap RBAC roles first; slow on a loaded machine.
        readyTimeoutMs: 180_000,
        registryDir,
      }),
    );
    return {
      url,
      caFile,
      adminToken,
      async kubeconfig({ token = adminToken, namespace = 'default', name = 'admin' } = {}) {
        const file = join(dataDir, `kubeconfig-${name}`);
        await writeFile(file, kubeconfigText({ url, caFile, token, namespace, name }), { mode: 0o600 });
        return file;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function kubeconfigText(options: { url: string; caFile: string; token: string; namespace: string; name: string }) {
  const { url, caFile, token, namespace, name } = options;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'zerochat-test', cluster: { server: url, 'certificate-authority': caFile } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: 'zerochat-test', user: name, namespace } }],
    'current-context': name,
  });
}

/** Whether a GET of `url` answers 200 (with the server's certificate, once it has written it). */
async function answers(url: string, token: string, caFile: string): Promise<boolean> {
  const ca = await readFile(caFile).catch(() => undefined);
  if (!ca) return false;
  return new Promise((resolve) => {
    const call = request(url, { headers: { authorization: `Bearer ${token}` }, ca, timeout: 5000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    call.on('error', () => resolve(false));
    call.on('timeout', () => call.destroy());
    call.end();
  });
}
