import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccountFetch } from './service-account-fetch.ts';

// A real TLS server with a certificate of its own CA (openssl), standing where the API server
// stands: the fetch must trust that CA from the service-account folder and present the token.

const run = promisify(execFile);
let folder = '';
let server: Server;
let url = '';
const seen: Array<string | undefined> = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'zerochat-sa-'));
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=test cluster',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(folder, 'server.key'),
      '-out',
      join(folder, 'server.crt'),
    ],
    { cwd: folder },
  );
  const [key, cert] = await Promise.all([readFile(join(folder, 'server.key')), readFile(join(folder, 'server.crt'))]);
  server = createServer({ key, cert }, (request, response) => {
    seen.push(request.headers.authorization);
    if (!request.headers.authorization) {
      response.writeHead(401).end('{"kind":"Status"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer":"https://kubernetes.default.svc"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/openid-configuration`;
}, 60_000);
afterAll(async () => {
  server?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('serviceAccountFetch', () => {
  it("trusts the folder's ca.crt and presents its token, read afresh at each call (the kubelet rotates it)", async () => {
    const account = join(folder, 'account');
    await rm(account, { recursive: true, force: true });
    await mkdir(account, { recursive: true });
    await writeFile(join(account, 'ca.crt'), await readFile(join(folder, 'server.crt')));
    await writeFile(join(account, 'token'), 'first-token\n');
    const get = serviceAccountFetch(account);
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ issuer: 'https://kubernetes.default.svc' });
    await writeFile(join(account, 'token'), 'rotated-token');
    await get(url);
    expect(seen.slice(-2)).toEqual(['Bearer first-token', 'Bearer rotated-token']);
  });

  it('refuses a server its CA did not sign, and GETs without a token where the folder has none', async () => {
    await expect(serviceAccountFetch(join(folder, 'absent'))(url)).rejects.toThrow(/self-signed|certificate/i);
    const bare = createHttpServer((request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(request.headers.authorization ?? null));
    });
    bare.listen(0, '127.0.0.1');
    await once(bare, 'listening');
    try {
      const answer = await serviceAccountFetch(join(folder, 'absent'))(
        `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`,
      );
      expect(await answer.json()).toBeNull();
    } finally {
      bare.close();
    }
  });
});
