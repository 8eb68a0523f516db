import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';

/**
 * The address of the client that sent the request. With `trustedProxyHops` = 0 it is the
 * socket's peer and X-Forwarded-For is ignored (a client can write anything there). With
 * N > 0 the request passed N proxies of ours, each appending the address it saw, so the
 * client is the Nth entry from the right; entries further left are the client's own claims.
 */
export function clientAddress(c: Context, trustedProxyHops: number): string | undefined {
  // @hono/node-server passes the Node request as c.env.incoming; app.request() passes none.
  const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
  if (trustedProxyHops === 0) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const client = forwarded[Math.max(0, forwarded.length - trustedProxyHops)];
  return client && isIP(client) ? client : peer;
}
