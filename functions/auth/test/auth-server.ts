import type { PasswordHasher } from '@zerochat/accounts';
import { createLifecycle, type RunningFunction, serveFunction } from '@zerochat/runtime';
import type { Db } from 'mongodb';
import { afterAll } from 'vitest';
import { captureLog } from '../../../test/support/capture-log.ts';
import { type AuthSettings, createApp } from '../src/app.ts';
import { testAuthSettings } from './auth-settings.ts';

/** A clock that stands still until a test moves it. */
export interface TestClock {
  now(): Date;
  advance(seconds: number): void;
}

export function testClock(start = new Date('2026-11-26T12:00:00Z')): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds) {
      current += seconds * 1000;
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface AuthServer {
  baseUrl: string;
  clock: TestClock;
  config: AuthSettings;
  /** POSTs `body` (JSON-encoded unless it is a string) and parses the answer. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, accessToken?: string): Promise<Reply>;
  stop(): Promise<void>;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/**
 * The auth app on a real socket (127.0.0.1, free port) against `db`, with a clock the test
 * controls. Stopped after the file's tests, or earlier with `stop()`.
 */
export async function startAuthServer(
  db: Db,
  options: { config?: AuthSettings; clock?: TestClock; hasher?: PasswordHasher } = {},
): Promise<AuthServer> {
  const config = options.config ?? (await testAuthSettings());
  const clock = options.clock ?? testClock();
  const { log } = captureLog();
  const lifecycle = createLifecycle();
  const app = createApp({
    config,
    log,
    lifecycle,
    mongo: { db, ping: async () => undefined },
    now: clock.now,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });
  const running: RunningFunction = await serveFunction({
    fetch: app.fetch,
    port: 0,
    host: '127.0.0.1',
    log,
    lifecycle,
    graceMs: 1000,
    signals: [],
  });
  const baseUrl = `http://127.0.0.1:${running.port}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= running.shutdown('test done');
    return stopped;
  };
  afterAll(stop);
  return {
    baseUrl,
    clock,
    config,
    async post(path, body, headers = {}) {
      return reply(
        await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    },
    async get(path, accessToken) {
      const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
      return reply(await fetch(`${baseUrl}${path}`, { headers }));
    },
    stop,
  };
}
