// STAND-IN for the ConfigMap part of the Kubernetes API, for tests: Kubernetes cannot run on
// these machines. GET and merge-PATCH of the ConfigMaps of one namespace, answering as the API
// server does (404 Status for a missing one, 415 for a patch type it does not take), for
// `@kubernetes/client-node`.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeStandInKubeconfig } from './knative-stand-in.ts';

export interface ConfigMapStandIn {
  kubeconfig: string;
  /** The ConfigMaps' data, by name; tests read and change it directly. */
  configMaps: Map<string, Record<string, string>>;
  /** `METHOD path content-type`, in order. */
  requests: string[];
  stop(): Promise<void>;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  message,
  code,
});

export async function startConfigMapStandIn(
  namespace: string,
  configMaps: Record<string, Record<string, string>> = {},
): Promise<ConfigMapStandIn> {
  const token = 'stand-in-token';
  const stored = new Map(Object.entries(configMaps));
  const requests: string[] = [];
  const server = createServer(async (request, response) => {
    const send = (code: number, body: object) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://k8s').pathname;
    requests.push(`${request.method} ${path} ${request.headers['content-type'] ?? ''}`.trim());
    if (request.headers.authorization !== `Bearer ${token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(path);
    const data = match?.[1] === namespace ? stored.get(match[2] ?? '') : undefined;
    const name = match?.[2] ?? '';
    if (!data) {
      send(404, status(404, 'NotFound', `configmaps "${name}" not found`));
      return;
    }
    const configMap = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
    if (request.method === 'GET') {
      send(200, configMap());
      return;
    }
    if (request.method === 'PATCH') {
      if (request.headers['content-type'] !== 'application/merge-patch+json') {
        send(415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format`));
        return;
      }
      let body = '';
      for await (const chunk of request) body += chunk;
      const patch = JSON.parse(body) as { data?: Record<string, string | null> };
      for (const [key, value] of Object.entries(patch.data ?? {})) {
        if (value === null) delete data[key];
        else data[key] = value;
      }
      send(200, configMap());
      return;
    }
    send(405, status(405, 'MethodNotAllowed', `${request.method} is not supported`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    kubeconfig: await writeStandInKubeconfig(port, token),
    configMaps: stored,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
