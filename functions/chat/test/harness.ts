// What the chat tests share: the app over the test database and a real Ollama, signed tokens,
// requests, a real socket, SSE parsing and a count of what is stored.

import { COLLECTIONS } from '@zerochat/data';
import { createLifecycle, type FunctionApp, parseConfig, serveFunction } from '@zerochat/runtime';
import { type Db, ObjectId } from 'mongodb';
import { afterAll, expect } from 'vitest';
import { captureLog } from '../../../test/support/capture-log.ts';
import {
  liveTestSession,
  signAccessToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  testSigningKey,
} from '../../../test/support/keys.ts';
import { type TestDatabase, testServices } from '../../../test/support/test-services.ts';

export { allEvents, type SseEvent, sseEvents } from '../../../test/support/sse.ts';
export { waitFor } from '../../../test/support/wait-for.ts';

import { createApp } from '../src/app.ts';
import { chatConfigSchema } from '../src/config.ts';
import { createModelServer } from '../src/model-server.ts';

export interface ChatHarnessOptions {
  /** Environment overrides, e.g. { CHAT_MAX_CONCURRENT_PER_USER: '1' }. */
  env?: Record<string, string>;
  /** Another Ollama than the test run's. */
  ollamaHost?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** The app's database, when a test must see or fail its writes; the test database by default. */
  db?: Db;
}

export interface ChatHarness {
  app: FunctionApp;
  /** Every log line the app wrote. */
  lines: Array<Record<string, unknown>>;
  /** A new user with a valid access token. */
  user(): Promise<TestUser>;
  /** An access token signed with the key the app trusts; `claims` override the defaults. */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** Serves the app on a loopback port until the test file ends; resolves with its base URL. */
  serve(): Promise<string>;
}

export interface TestUser {
  id: ObjectId;
  token: string;
  /** A request to the app as this user; a non-string body is sent as JSON. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  /** Creates a conversation (failing the test unless 201); resolves with its id. */
  newConversation(body?: object): Promise<string>;
  /** A short reply to `content` as one JSON body (`stream: false`), `tokens` long. */
  ask(conversationId: string, content: string, tokens?: number): Promise<Response>;
}

export async function chatHarness(database: TestDatabase, options: ChatHarnessOptions = {}): Promise<ChatHarness> {
  const { tinyModel, ollamaHost } = testServices();
  const key = await testSigningKey();
  const config = parseConfig(chatConfigSchema, {
    MONGODB_URI: database.uri,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: [key.publicJwk] }),
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    OLLAMA_HOST: options.ollamaHost ?? ollamaHost,
    ZEROCHAT_MODEL: tinyModel,
    // The tiny model never ends a reply by itself: long replies need a high ceiling.
    CHAT_MAX_NUM_PREDICT: '40000',
    // Titles by the model add an event after message.done and a generation to Ollama's
    // queue; the tests of titles turn them on.
    CHAT_TITLES: 'false',
    ...options.env,
  });
  const { log, lines } = captureLog();
  const lifecycle = createLifecycle();
  const app = createApp({
    config,
    log,
    lifecycle,
    mongo: { db: options.db ?? database.db, ping: async () => void (await database.db.command({ ping: 1 })) },
    models: createModelServer({ host: config.OLLAMA_HOST, ...(options.fetch ? { fetch: options.fetch } : {}) }),
    ...(options.now ? { now: options.now } : {}),
  });
  await liveTestSession(database.db);

  return {
    app,
    lines,
    async user() {
      const id = new ObjectId();
      const token = await signAccessToken(key, { claims: { sub: id.toHexString() }, now: options.now?.() });
      const call: TestUser['call'] = async (method, path, body) => app.request(path, request(method, token, body));
      return {
        id,
        token,
        call,
        async newConversation(body = {}) {
          const response = await call('POST', '/chat/conversations', body);
          expect(response.status).toBe(201);
          return ((await response.json()) as { id: string }).id;
        },
        ask: (conversationId, content, tokens = 4) =>
          call('POST', `/chat/conversations/${conversationId}/messages`, {
            content,
            stream: false,
            options: { num_predict: tokens },
          }),
      };
    },
    sign: (claims) => signAccessToken(key, { claims, now: options.now?.() }),
    async serve() {
      const running = await serveFunction({
        fetch: app.fetch,
        port: 0,
        host: '127.0.0.1',
        log,
        lifecycle,
        graceMs: 2000,
        signals: [],
      });
      afterAll(() => running.shutdown('test done'));
      return `http://127.0.0.1:${running.port}`;
    },
  };
}

/** RequestInit for a call as `token`; a string body is sent as it is (for malformed JSON). */
export function request(method: string, token: string, body?: unknown, signal?: AbortSignal): RequestInit {
  return {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  };
}

/** How many documents the chat collections hold: proof that a refused request wrote nothing. */
export async function storedCounts(database: TestDatabase) {
  const count = (name: string) => database.db.collection(name).countDocuments();
  return {
    conversations: await count(COLLECTIONS.conversations),
    messages: await count(COLLECTIONS.messages),
    generationSlots: await count(COLLECTIONS.generationSlots),
  };
}

/** A problem response's status and code. */
export async function problemOf(response: Response): Promise<{ status: number; code: unknown }> {
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code };
}

export const tinyModelName = () => `${testServices().tinyModel}:latest`;
