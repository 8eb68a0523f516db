// The read path's floor on zerochat's stack: the same query (read-query.mjs) in a Hono app
// served by @hono/node-server, with nothing of zerochat's. Between it and the floor is what
// the stack costs a read; between it and chat, what chat itself does (token, session,
// validation, logs, metrics).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { readQuery } from './read-query.mjs';

const query = readQuery(process.env);

const app = new Hono()
  .get('/readyz', async (c) => {
    await query.ping();
    return c.json({ status: 'ready' });
  })
  .get('/', async (c) => c.body(await query.page(c.req.query('user')), 200, { 'content-type': 'application/json' }))
  .onError((_error, c) => c.body(null, 503));

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
