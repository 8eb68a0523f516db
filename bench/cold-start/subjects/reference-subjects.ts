import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Fixtures } from '../fixtures.ts';
import { authMeRequest, bundleSubject } from './function-subjects.ts';
import type { LocalSubject } from './subject.ts';

const here = import.meta.dirname;

/** A bare node:http server answering 200: what every other start is compared with. */
export function floorSubject(): LocalSubject {
  return {
    name: 'floor (node:http)',
    kind: 'floor',
    spec: (port) => ({
      command: process.execPath,
      args: [join(here, 'floor-server.mjs')],
      env: { PORT: String(port) },
      port,
      readinessPath: '/',
      request: { label: 'GET /', method: 'GET', path: '/', isCorrect: (status) => status === 200 },
    }),
  };
}

/**
 * faas-js-runtime (the Node runtime of Knative Functions) doing the work of auth's
 * GET /auth/me against the same MongoDB and key set. It routes every call to `/`.
 */
export function peerSubject(options: { env: Record<string, string>; token: string; userId: string }): LocalSubject {
  const cli = createRequire(import.meta.url).resolve('faas-js-runtime/bin/cli.js');
  return {
    name: 'peer (faas-js-runtime)',
    kind: 'peer',
    spec: (port) => ({
      command: process.execPath,
      args: [cli, join(here, 'peer-function.mjs'), '--port', String(port), '--log-level', 'warn'],
      env: { ...options.env, NODE_ENV: 'production' },
      port,
      readinessPath: '/health/readiness',
      request: {
        label: 'GET / (the work of /auth/me)',
        method: 'GET',
        path: '/',
        headers: { authorization: `Bearer ${options.token}` },
        isCorrect: (status, body) => status === 200 && body.includes(options.userId),
      },
    }),
  };
}

/** Where the least function's source is, for tools/bundle-function.ts. */
export const LEAST_FUNCTION_DIR = join(here, 'least-function');

/**
 * The least a function on zerochat's stack can be (least-function/src/server.ts): auth's
 * GET /auth/me work in a Hono app on @hono/node-server, bundled and code-cached as the
 * functions are. Its ratio to the floor is what the stack itself costs a start.
 */
export function leastFunctionSubject(bundle: string, fixtures: Fixtures): LocalSubject {
  return bundleSubject({
    name: 'least on the stack (hono, jose, mongodb, zod)',
    kind: 'stack',
    bundle,
    env: { ...fixtures.env, PATH: process.env.PATH ?? '' },
    request: authMeRequest(fixtures),
  });
}
