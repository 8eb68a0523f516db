import { HEALTH_PATHS, notFound, PROMETHEUS_CONTENT_TYPE, problemResponse } from '@zerochat/runtime';
import { mergeExpositions } from './metrics-exposition.ts';

export const FUNCTION_NAMES = ['web', 'auth', 'chat', 'admin'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The path prefixes of the functions with an API: each its own, and chat also the
 * OpenAI-compatible `/v1`. Web answers every other path.
 */
const API_PREFIXES: ReadonlyArray<readonly [prefix: string, owner: FunctionName]> = [
  ['/auth', 'auth'],
  ['/chat', 'chat'],
  ['/admin', 'admin'],
  ['/v1', 'chat'],
];

/**
 * What a function app offers the process: Hono's `fetch`. `env` is what @hono/node-server
 * passes (the Node request, whose socket auth reads the client's address from); it is handed
 * through untouched.
 */
export type FunctionFetch = (request: Request, env?: object) => Response | Promise<Response>;

const NOT_SERVED = new Set(['/admin/events']);

/**
 * One `fetch` for the four function apps in one process. Each API app keeps its own middleware
 * and answers its own prefix (`/auth/...`, `/chat/...` and `/v1/...`, `/admin/...`), so every URL is the
 * one Kong routes; web answers the rest (the page, its assets, and 404 for unknown paths); the
 * root health endpoints speak for the whole process.
 */
export function mountFunctions(functions: Readonly<Record<FunctionName, FunctionFetch>>): FunctionFetch {
  const ask = async (name: FunctionName, request: Request, path: string) =>
    functions[name](new Request(new URL(path, request.url), { headers: request.headers }));

  async function readiness(request: Request): Promise<Response> {
    const answers = await Promise.all(
      FUNCTION_NAMES.map(async (name) => {
        const response = await ask(name, request, '/readyz');
        return [name, { status: response.status, body: (await response.json()) as { status: string } }] as const;
      }),
    );
    const ready = answers.every(([, answer]) => answer.status === 200);
    const draining = answers.some(([, answer]) => answer.body.status === 'draining');
    return Response.json(
      {
        status: ready ? 'ready' : draining ? 'draining' : 'unavailable',
        functions: Object.fromEntries(answers.map(([name, answer]) => [name, answer.body])),
      },
      { status: ready ? 200 : 503 },
    );
  }

  async function metrics(request: Request): Promise<Response> {
    const texts = await Promise.all(FUNCTION_NAMES.map(async (name) => (await ask(name, request, '/metrics')).text()));
    return new Response(mergeExpositions(texts), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
  }

  return async function oneProcess(request, env) {
    const { pathname } = new URL(request.url);
    // As behind Kong: CloudEvents are for the bootstrap inside this process, not for the network.
    if (NOT_SERVED.has(pathname)) {
      return problemResponse(notFound(`No route for ${request.method} ${pathname}.`), crypto.randomUUID());
    }
    const owner = API_PREFIXES.find(([prefix]) => pathname === prefix || pathname.startsWith(`${prefix}/`))?.[1];
    if (owner) return functions[owner](request, env);
    if (HEALTH_PATHS.has(pathname)) {
      if (request.method !== 'GET') {
        return problemResponse(notFound(`No route for ${request.method} ${pathname}.`), crypto.randomUUID());
      }
      if (pathname === '/healthz') return Response.json({ status: 'ok' });
      return pathname === '/readyz' ? readiness(request) : metrics(request);
    }
    return functions.web(request, env);
  };
}
