// The floor of the read path: a bare node:http server answering the query of
// GET /chat/conversations (read-query.mjs) with nothing else: no framework, no token check,
// no validation, no logs. Plain JavaScript, so nothing but Node and the MongoDB driver is loaded.
import { createServer } from 'node:http';
import { readQuery } from './read-query.mjs';

const query = readQuery(process.env);

createServer(async (request, response) => {
  try {
    if (request.url === '/readyz') {
      await query.ping();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
      return;
    }
    const body = await query.page(new URL(request.url, 'http://floor').searchParams.get('user'));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  } catch {
    response.writeHead(503).end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
