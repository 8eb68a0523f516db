// MongoDB stopped under running auth and chat processes: requests fail fast with 503, the
// readiness probe says so, nothing half-written is left, and everything recovers by itself
// when MongoDB returns. A FerretDB of this file's own is stopped; the shared one is not.
import { join } from 'node:path';
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { createFerretDb, ensureFerretDb, type FerretDb } from '@zerochat/local-services';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicJwk } from '../../functions/auth/src/signing-keys.ts';
import { testSigningKeys } from '../../functions/auth/test/auth-settings.ts';
import { functionBundle } from '../support/bundles.ts';
import { type ChatProcess, startChatProcess } from '../support/chat-process.ts';
import { type FunctionProcess, startFunctionProcess } from '../support/function-process.ts';
import { type ApiClient, apiClient } from '../support/http-client.ts';
import { ollamaMsPerToken } from '../support/ollama-pace.ts';
import { type SseEvent, sseEvents } from '../support/sse.ts';
import { testServices } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

/** How long an operation waits for MongoDB; a request must fail not much later than this. */
const MONGODB_TIMEOUT_MS = 1000;
const FAIL_FAST_MS = MONGODB_TIMEOUT_MS + 1500;
const DB = 'outage';

let ferretdb: FerretDb;
/** A reply of about 5 s at Ollama's pace now: still streaming after MongoDB has stopped. */
let longReplyTokens: number;
let chat: ChatProcess;
let authProcess: FunctionProcess;
let auth: ApiClient;

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir, ollamaHost } = testServices();
  longReplyTokens = Math.min(40_000, Math.max(500, Math.round(5000 / (await ollamaMsPerToken(ollamaHost)))));
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `outage-${process.pid}`), registryDir });
  await ferretdb.start();
  const env = { MONGODB_TIMEOUT_MS: String(MONGODB_TIMEOUT_MS) };
  const keys = await testSigningKeys();
  [chat, authProcess] = await Promise.all([
    startChatProcess({ mongoUri: ferretdb.uri, dbName: DB, env }),
    startFunctionProcess(await functionBundle('auth'), {
      ...env,
      MONGODB_URI: ferretdb.uri,
      MONGODB_DB: DB,
      AUTH_SIGNING_KEYS: JSON.stringify(keys),
      AUTH_PUBLIC_JWKS: JSON.stringify({ keys: keys.keys.map(publicJwk) }),
    }),
  ]);
  auth = apiClient(authProcess.baseUrl);
});

afterAll(async () => {
  await chat?.process.stop();
  await authProcess?.stop();
  await ferretdb?.stop();
});

/** Status, problem code and how long the answer took. */
async function timed(send: () => Promise<{ status: number; body: Record<string, unknown> }>) {
  const started = performance.now();
  const { status, body } = await send();
  return { status, code: body.code, ms: performance.now() - started };
}

async function storedMessages(): Promise<MessageDocument[]> {
  const client = new MongoClient(ferretdb.uri);
  try {
    return await client
      .db(DB)
      .collection<MessageDocument>(COLLECTIONS.messages)
      .find({}, { sort: { createdAt: 1, _id: 1 } })
      .toArray();
  } finally {
    await client.close();
  }
}

describe('MongoDB stopped mid-run', () => {
  it('fails fast with 503, reports not ready, writes nothing half, and recovers when it returns', async () => {
    const user = await chat.user();
    const token = user.token;
    const credentials = { email: 'outage@example.com', password: 'correct horse battery' };
    expect((await auth.call('POST', '/auth/register', { body: credentials })).status).toBe(201);
    const { body: conversation } = await chat.client.json<{ id: string }>('POST', '/chat/conversations', {
      token,
      body: {},
    });
    const ask = () =>
      chat.client.json('POST', `/chat/conversations/${conversation.id}/messages`, {
        token,
        body: { content: 'hello', stream: false, options: { num_predict: 4 } },
      });
    expect((await ask()).status).toBe(200);

    // A reply under way when MongoDB goes: it streams on (Ollama is there), its end cannot be
    // stored, so the stream ends with an error event; it is stored once MongoDB is back.
    const streaming = await chat.client.call('POST', `/chat/conversations/${conversation.id}/messages`, {
      token,
      body: { content: 'a longer one', options: { num_predict: longReplyTokens } },
    });
    expect(streaming.status).toBe(200);
    const events = sseEvents(streaming);
    expect((await events.next()).value?.event).toBe('message.start');

    await ferretdb.stop();
    const rest: SseEvent[] = [];
    for await (const event of events) rest.push(event);
    expect(rest.at(-1)).toMatchObject({ event: 'error', data: { status: 503, code: 'database_unavailable' } });
    const streamed = rest
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');

    for (const [what, answer] of [
      ['chat: list conversations', await timed(() => chat.client.json('GET', '/chat/conversations', { token }))],
      ['chat: send a message', await timed(ask)],
      [
        'chat: create a conversation',
        await timed(() => chat.client.json('POST', '/chat/conversations', { token, body: {} })),
      ],
      ['auth: log in', await timed(() => auth.json('POST', '/auth/login', { body: credentials }))],
      [
        'auth: register',
        await timed(() => auth.json('POST', '/auth/register', { body: { ...credentials, email: 'new@example.com' } })),
      ],
    ] as const) {
      expect({ what, status: answer.status, code: answer.code }).toEqual({
        what,
        status: 503,
        code: 'database_unavailable',
      });
      expect(answer.ms, what).toBeLessThan(FAIL_FAST_MS);
    }
    for (const client of [chat.client, auth]) {
      const readiness = await timed(() => client.json('GET', '/readyz'));
      expect(readiness.status).toBe(503);
      expect(readiness.ms).toBeLessThan(FAIL_FAST_MS + 1000);
    }

    await ferretdb.start();
    await waitFor(async () => (await chat.client.call('GET', '/readyz')).status === 200, 20_000);
    await waitFor(async () => (await auth.call('GET', '/readyz')).status === 200, 20_000);

    // The exchanges from before the outage, the reply under way stored whole once MongoDB was
    // back, and nothing of the refused requests.
    await waitFor(async () => (await storedMessages()).every((message) => message.status !== 'pending'), 15_000);
    const stored = await storedMessages();
    expect(stored.map(({ role, status }) => ({ role, status }))).toEqual([
      { role: 'user', status: 'complete' },
      { role: 'assistant', status: 'complete' },
      { role: 'user', status: 'complete' },
      { role: 'assistant', status: 'complete' },
    ]);
    expect(stored[3]?.content).toBe(streamed);
    expect((await ask()).status).toBe(200);
    const { body: listed } = await chat.client.json<{ items: unknown[] }>('GET', '/chat/conversations', { token });
    expect(listed.items).toHaveLength(1);
    expect((await auth.json('POST', '/auth/login', { body: credentials })).status).toBe(200);
    expect((await storedMessages()).map(({ status }) => status)).toEqual(Array(6).fill('complete'));
  });
});
