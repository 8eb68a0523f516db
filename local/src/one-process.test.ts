import { describe, expect, it } from 'vitest';
import { type FunctionFetch, mountFunctions } from './one-process.ts';

/** A stand-in function app: answers its name, and its readiness as told. */
function standIn(
  name: string,
  readiness: { status: number; body: string } = { status: 200, body: 'ready' },
): FunctionFetch {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (path === '/readyz') return Response.json({ status: readiness.body }, { status: readiness.status });
    if (path === '/metrics') return new Response(`# TYPE up gauge\nup{service="${name}"} 1\n`);
    return Response.json({ served: name, path });
  };
}

const origin = 'http://zerochat.test';
const get = (fetch: FunctionFetch, path: string) => fetch(new Request(`${origin}${path}`));

describe('mountFunctions', () => {
  const mounted = mountFunctions({
    web: standIn('web'),
    auth: standIn('auth'),
    chat: standIn('chat'),
    admin: standIn('admin'),
  });

  it.each([
    ['/auth/login', 'auth'],
    ['/auth', 'auth'],
    ['/chat/conversations/6650c3f4a1b2c3d4e5f60718/messages', 'chat'],
    ['/admin/docs', 'admin'],
    ['/v1/chat/completions', 'chat'],
    ['/v1/models/zerochat:latest', 'chat'],
    ['/', 'web'],
    ['/c/6650c3f4a1b2c3d4e5f60718', 'web'],
    ['/assets/main-ABC.js', 'web'],
    ['/authorize', 'web'],
    ['/chatty', 'web'],
    ['/v1x', 'web'],
    ['/nowhere', 'web'],
  ])('hands %s to %s, path unchanged', async (path, name) => {
    expect(await (await get(mounted, path)).json()).toEqual({ served: name, path });
  });

  it('answers a health path with another method, and /admin/events, itself with a 404 problem', async () => {
    for (const response of [
      await mounted(new Request(`${origin}/readyz`, { method: 'POST' })),
      await mounted(new Request(`${origin}/admin/events`, { method: 'POST' })),
    ]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('is ready when every function is, and says which one is not', async () => {
    expect((await get(mounted, '/readyz')).status).toBe(200);
    const oneDown = mountFunctions({
      web: standIn('web'),
      auth: standIn('auth'),
      chat: standIn('chat', { status: 503, body: 'unavailable' }),
      admin: standIn('admin'),
    });
    const response = await get(oneDown, '/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      functions: {
        web: { status: 'ready' },
        auth: { status: 'ready' },
        chat: { status: 'unavailable' },
        admin: { status: 'ready' },
      },
    });
  });

  it("serves every function's metrics as one exposition", async () => {
    expect(await (await get(mounted, '/metrics')).text()).toBe(
      '# TYPE up gauge\nup{service="web"} 1\nup{service="auth"} 1\nup{service="chat"} 1\nup{service="admin"} 1\n',
    );
  });
});
