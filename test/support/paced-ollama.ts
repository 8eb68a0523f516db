import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedOllama {
  /** Where to point OLLAMA_HOST. */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * A real Ollama behind a proxy that passes each line of a streamed answer on at
 * `linesPerSecond`, as a model of a person's reading pace would write it. The tiny model on one
 * thread writes thousands of tokens a second: a page that renders each of them is swamped, and
 * a reply is over before anyone could stop it. Everything else passes unchanged; a client that
 * leaves aborts the request to Ollama, which stops the generation.
 */
export async function startPacedOllama(target: string, linesPerSecond: number): Promise<PacedOllama> {
  const gapMs = 1000 / linesPerSecond;
  const server = createServer(async (request, response) => {
    const leave = new AbortController();
    response.on('close', () => leave.abort());
    try {
      const upstream = await fetch(new URL(request.url ?? '/', target), {
        method: request.method,
        headers: forwardedHeaders(request),
        ...(request.method === 'GET' || request.method === 'HEAD'
          ? {}
          : { body: Readable.toWeb(request) as ReadableStream, duplex: 'half' }),
        signal: leave.signal,
      });
      const type = upstream.headers.get('content-type') ?? '';
      response.writeHead(upstream.status, type ? { 'content-type': type } : {});
      if (!upstream.body) return void response.end();
      if (!type.includes('ndjson')) {
        response.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      for await (const line of lines(upstream.body)) {
        response.write(`${line}\n`);
        await sleep(gapMs, undefined, { signal: leave.signal });
      }
      response.end();
    } catch {
      // Ollama unreachable or the client gone: drop the connection, as Ollama's own loss would.
      response.destroy();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

function forwardedHeaders(request: IncomingMessage): Record<string, string> {
  const type = request.headers['content-type'];
  return type ? { 'content-type': type } : {};
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part) yield part;
  }
  if (pending) yield pending;
}
