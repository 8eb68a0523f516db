import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';

/** Where the client's address is read from: see clientAddress. */
export interface ClientAddressSource {
  /** A header that the gateway in front always sets itself, e.g. Kong's X-Real-IP. */
  header?: string;
  /** How many proxies of ours append to X-Forwarded-For; 0 ignores that header. */
  trustedProxyHops: number;
}

/**
 * The address of the client that sent the request.
 * - With `header`, that header's value: right only when every request passes a gateway that
 *   overwrites it (Kong sets X-Real-IP and ignores a client's), however many proxies follow;
 *   on Knative the activator may or may not be in the path, so counting hops cannot work there.
 * - Else with `trustedProxyHops` N > 0, the Nth entry of X-Forwarded-For from the right: each
 *   of our N proxies appended the address it saw; entries further left are the client's claims.
 * - Else, and whenever the chosen value is not an IP address, the socket's peer.
 */
export function clientAddress(c: Context, source: ClientAddressSource): string | undefined {
  // @hono/node-server passes the Node request as c.env.incoming; app.request() passes none.
  const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
  if (source.header) {
    const stated = c.req.header(source.header)?.trim();
    return stated && isIP(stated) ? stated : peer;
  }
  if (source.trustedProxyHops === 0) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const client = forwarded[Math.max(0, forwarded.length - source.trustedProxyHops)];
  return client && isIP(client) ? client : peer;
}
