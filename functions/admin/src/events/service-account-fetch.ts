import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

/** A GET that answers a fetch Response: what the OIDC discovery and jose's JWKS loader call. */
export type GetFetch = (url: string, init?: { signal?: AbortSignal; headers?: Headers }) => Promise<Response>;

const MAX_BODY_BYTES = 1 << 20;
/** Statuses a fetch Response may not carry a body with. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

async function optionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * GETs as a pod's service account: trusts the cluster's CA (`ca.crt`) and presents its token
 * (`token`) from a service-account folder, as the API server asks of anyone reading its OIDC
 * discovery and keys. The token is read at every call, since the kubelet rotates it. A folder
 * without those files (outside a cluster) gives a plain GET. Global fetch cannot take a CA, so
 * this is node:https.
 */
export function serviceAccountFetch(folder: string): GetFetch {
  return async (url, init) => {
    const [ca, token] = await Promise.all([optionalFile(join(folder, 'ca.crt')), optionalFile(join(folder, 'token'))]);
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token.trim()}`;
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        target,
        { method: 'GET', headers, ...(ca && target.protocol === 'https:' ? { ca } : {}), signal: init?.signal },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) incoming.destroy(new Error(`${url} answered more than 1 MiB`));
            else chunks.push(chunk);
          });
          incoming.on('error', reject);
          incoming.on('end', () =>
            resolve(
              new Response(NULL_BODY_STATUSES.has(incoming.statusCode ?? 0) ? null : Buffer.concat(chunks), {
                status: incoming.statusCode ?? 502,
                headers: { 'content-type': String(incoming.headers['content-type'] ?? '') },
              }),
            ),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  };
}
