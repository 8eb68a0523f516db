// The least a function on zerochat's stack can be: auth's GET /auth/me work (as the peer does
// it) in a Hono app served by @hono/node-server, its query checked with zod, bundled and
// code-cached as the functions are. What it takes is what the stack itself takes to start;
// the functions' own start is what they take beyond it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { RunningFunction } from '@zerochat/runtime';
import { Hono } from 'hono';
import { z } from 'zod';
import { authMeWork } from '../../auth-me-work.mjs';

const Query = z.object({ fields: z.string().max(100).optional() });

export async function main(): Promise<RunningFunction> {
  const work = authMeWork(process.env);
  work.client.connect().catch(() => undefined);
  const app = new Hono()
    .get('/readyz', async (c) => ((await work.ready()) ? c.text('OK') : c.text('MongoDB unavailable', 503)))
    .get('/auth/me', async (c) => {
      const query = Query.safeParse(c.req.query());
      if (!query.success) return c.json({ code: 'bad_query' }, 400);
      const { statusCode, body } = await work.me(c.req.header('authorization'));
      return c.json(body, statusCode);
    });
  // An http/1 server: serve() makes one unless given another createServer.
  const server = serve({
    fetch: app.fetch,
    port: Number(process.env.PORT),
    hostname: process.env.HOST,
  }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    shutdown: async () => {
      server.close();
      await work.client.close();
    },
  };
}

/** Warms its code cache as the functions' builds do (tools/bundle-entry.js). */
export const rehearse = async () =>
  (await import('@zerochat/runtime/rehearsal')).rehearseColdStart({
    main,
    requests: ({ bearer }) => [{ method: 'GET', path: '/auth/me', headers: bearer }],
  });
