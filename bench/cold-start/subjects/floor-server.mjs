// The floor: the least a Node HTTP server can do. Plain JavaScript, so nothing but Node
// itself is loaded; every other subject's cold start is also reported as a ratio to this.
import { createServer } from 'node:http';

createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
}).listen(Number(process.env.PORT), '127.0.0.1');
