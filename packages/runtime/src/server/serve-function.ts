import { once } from 'node:events';
import { createServer, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { toProblem } from '../errors/problem-response.ts';
import { headersTooLarge, malformedRequest, requestTimeout } from '../errors/problems.ts';
import type { Logger } from '../log/logger.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface ServeFunctionOptions {
  fetch: (request: Request, env: object) => Response | Promise<Response>;
  port: number;
  host: string;
  log: Logger;
  lifecycle: Lifecycle;
  /** How long in-flight requests (streams too) may run on after a shutdown signal. */
  graceMs: number;
  /** Closes dependencies (MongoDB) once no request is left. */
  close?: () => Promise<void>;
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
  /** Facts about the start itself, logged with `listening` (e.g. whether a code cache was used). */
  startup?: StartupFacts | undefined;
  /** How long a client may take to send its request head; Node's 60 s by default. */
  headersTimeoutMs?: number;
}

/** What the loader of a bundle knows about the start; see tools/bundle-entry.js. */
export interface StartupFacts {
  /** V8's code cache of the bundle: used, rejected (written by another Node) or none. */
  codeCache?: 'used' | 'rejected' | 'none';
}

export interface RunningFunction {
  server: Server;
  port: number;
  /** Drains and stops, as on SIGTERM; resolves when the process may exit. */
  shutdown(reason: string): Promise<void>;
}

/** Serves an app on Node's http server and shuts down gracefully on SIGTERM/SIGINT. */
export async function serveFunction(options: ServeFunctionOptions): Promise<RunningFunction> {
  const { log, lifecycle } = options;
  const inFlight = new Set<ServerResponse>();
  let idle: (() => void) | undefined;

  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const server = createServer(
    // Node checks the timeout on this interval (30 s by default), so a short timeout needs a short check.
    { headersTimeout, connectionsCheckingInterval: Math.min(30_000, Math.max(50, headersTimeout / 4)) },
    getRequestListener(options.fetch),
  );
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) idle?.();
    });
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));

  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    stopping ??= drain(reason);
    return stopping;
  };

  async function drain(reason: string) {
    lifecycle.startDraining();
    log.info('shutting down', { reason, inFlight: inFlight.size, graceMs: options.graceMs });
    server.close();
    server.closeIdleConnections();
    const graceEnds = performance.now() + options.graceMs;
    const grace = AbortSignal.timeout(options.graceMs);
    if (inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        idle = resolve;
        grace.addEventListener('abort', () => resolve());
      });
    }
    // Work that runs on without a request (a reply nobody reads any more) gets the rest of
    // the grace period to finish.
    await lifecycle.settled(Math.max(0, Math.ceil(graceEnds - performance.now())));
    if (inFlight.size > 0) {
      log.warn('grace period over, closing open connections', { inFlight: inFlight.size });
      server.closeAllConnections();
    }
    lifecycle.endGrace();
    // Work cut short by the end of the grace (a stream's final save) still needs the database.
    await lifecycle.settled(Math.max(1000, options.graceMs / 10));
    try {
      await options.close?.();
    } catch (error) {
      log.error('closing dependencies failed', { err: error });
    }
    log.info('stopped');
  }

  const exit = options.exit ?? ((code: number) => process.exit(code));
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void shutdown(signal).then(() => exit(0)));
  }
  // Only now: whoever waits for this line may send SIGTERM at once, which must find the handler.
  log.info('listening', { port, startupMs: Math.round(performance.now()), ...options.startup });

  return { server, port, shutdown };
}

/**
 * A request Node's parser refuses (headers over 16 KiB, not HTTP at all, a head not finished
 * within the header timeout) never reaches the app; Node would answer a bare 400, 408 or 431.
 * It gets a problem document like every other error.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const response = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (!socket.writable || error.code === 'ECONNRESET' || response?.headersSent) {
    socket.destroy();
    return;
  }
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? requestTimeout()
        : malformedRequest();
  const requestId = crypto.randomUUID();
  const body = JSON.stringify(toProblem(problem, requestId));
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
      'content-type: application/problem+json',
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
