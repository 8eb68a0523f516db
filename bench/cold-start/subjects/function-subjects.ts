import { randomBytes } from 'node:crypto';
import type { Fixtures } from '../fixtures.ts';
import type { RealRequest } from '../measure.ts';
import type { LocalSubject } from './subject.ts';

/** The production bundle of a function, started as Knative would: `node server.js` on PORT. */
export function bundleSubject(options: {
  name: string;
  kind?: LocalSubject['kind'];
  bundle: string;
  env: Record<string, string>;
  request: RealRequest;
}): LocalSubject {
  return {
    name: options.name,
    kind: options.kind ?? 'function',
    spec: (port) => ({
      command: process.execPath,
      args: [options.bundle],
      env: { ...options.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      port,
      readinessPath: '/readyz',
      request: options.request,
    }),
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** auth's GET /auth/me for the fixtures' user: the real request of auth and the least function. */
export function authMeRequest(fixtures: Fixtures): RealRequest {
  return {
    label: 'GET /auth/me',
    method: 'GET',
    path: '/auth/me',
    headers: bearer(fixtures.user.token),
    isCorrect: (status, body) => status === 200 && body.includes(fixtures.user.id),
  };
}

/** The subjects for each function, with the real request that ends its cold start. */
export function functionSubjects(
  functions: readonly string[],
  bundles: Readonly<Record<string, string>>,
  fixtures: Fixtures,
  services: { ollamaHost: string },
): LocalSubject[] {
  const common = { ...fixtures.env, PATH: process.env.PATH ?? '' };
  const subjects: LocalSubject[] = [];
  const bundle = (name: string) => {
    const path = bundles[name];
    if (!path) throw new Error(`no bundle for ${name}`);
    return path;
  };
  if (functions.includes('auth')) {
    const env = { ...common, AUTH_SIGNING_KEYS: fixtures.signingJwks };
    subjects.push(
      bundleSubject({
        name: 'auth',
        bundle: bundle('auth'),
        env,
        request: authMeRequest(fixtures),
      }),
      bundleSubject({
        name: 'auth (first login)',
        bundle: bundle('auth'),
        env,
        request: {
          label: 'POST /auth/login',
          method: 'POST',
          path: '/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: fixtures.user.email, password: fixtures.user.password }),
          isCorrect: (status, body) => status === 200 && body.includes('accessToken'),
        },
      }),
    );
  }
  if (functions.includes('chat')) {
    subjects.push(
      bundleSubject({
        name: 'chat',
        bundle: bundle('chat'),
        env: { ...common, OLLAMA_HOST: services.ollamaHost },
        request: {
          label: 'GET /chat/conversations',
          method: 'GET',
          path: '/chat/conversations',
          headers: bearer(fixtures.user.token),
          isCorrect: (status, body) => status === 200 && body.startsWith('{'),
        },
      }),
    );
  }
  if (functions.includes('admin')) {
    subjects.push(
      bundleSubject({
        name: 'admin',
        bundle: bundle('admin'),
        env: { ...common, OLLAMA_HOST: services.ollamaHost, ADMIN_EVENTS_SECRET: randomBytes(32).toString('hex') },
        request: {
          label: 'GET /admin/status',
          method: 'GET',
          path: '/admin/status',
          headers: bearer(fixtures.admin.token),
          isCorrect: (status, body) => status === 200 && body.includes('mongodb'),
        },
      }),
    );
  }
  if (functions.includes('web')) {
    subjects.push(
      bundleSubject({
        name: 'web',
        bundle: bundle('web'),
        env: { PATH: common.PATH },
        request: {
          label: 'GET / (the page)',
          method: 'GET',
          path: '/',
          headers: { 'accept-encoding': 'br, gzip' },
          // The compressed page: decoding it would measure the client, not the start.
          isCorrect: (status) => status === 200,
        },
      }),
    );
  }
  return subjects;
}

/**
 * Each subject beside its counterpart from another build (named `<name> (compare)`), so that
 * the round-robin alternates the two builds of each function: an A/B in one run.
 */
export function besideComparison(subjects: readonly LocalSubject[], compared: readonly LocalSubject[]): LocalSubject[] {
  return subjects.flatMap((subject, index) => {
    const other = compared[index];
    return other ? [subject, { ...other, name: `${other.name} (compare)` }] : [subject];
  });
}
