// MongoDB stopped during an export of all conversations: the download breaks so that the
// client sees it broken (not a shorter file that looks whole), and the chat process logs the
// failure with the request's id. Stopped before an export, it gets a 503 problem. A FerretDB of
// this file's own is stopped, by pid; the shared one is not.
import { join } from 'node:path';
import { COLLECTIONS, type ConversationDocument, type MessageDocument } from '@zerochat/data';
import { createFerretDb, ensureFerretDb, type FerretDb } from '@zerochat/local-services';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatProcess, startChatProcess } from '../support/chat-process.ts';
import { liveTestSession, signAccessToken, type TestSigningKey } from '../support/keys.ts';
import { testServices } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

const MONGODB_TIMEOUT_MS = 1000;
const DB = 'export-outage';
/**
 * The export's size: far more than the socket buffers between the processes can hold (a few
 * MB on loopback), so the chat process still has batches to read when FerretDB stops.
 */
const CONVERSATIONS = 500;
const MESSAGE_BYTES = 40 * 1024;

let ferretdb: FerretDb;
let chat: ChatProcess & { key: TestSigningKey };
let user: { id: string; token: string };

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `export-outage-${process.pid}`), registryDir });
  await ferretdb.start();
  chat = await startChatProcess({
    mongoUri: ferretdb.uri,
    dbName: DB,
    // A session once seen live is trusted this long (see the 503 test).
    env: { MONGODB_TIMEOUT_MS: String(MONGODB_TIMEOUT_MS), AUTH_SESSION_CACHE_MS: '5000' },
  });
  user = await chat.user();
  await storeConversations(new ObjectId(user.id));
}, 180_000);

afterAll(async () => {
  await chat?.process.stop();
  await ferretdb?.stop();
});

/** CONVERSATIONS conversations of one long message each, written straight to the database. */
async function storeConversations(userId: ObjectId): Promise<void> {
  const client = new MongoClient(ferretdb.uri);
  try {
    const db = client.db(DB);
    const at = new Date('2030-01-01T00:00:00Z');
    const conversations: ConversationDocument[] = [];
    const messages: MessageDocument[] = [];
    for (let n = 0; n < CONVERSATIONS; n++) {
      const conversationId = new ObjectId();
      const messageId = new ObjectId();
      conversations.push({
        _id: conversationId,
        userId,
        title: `Conversation ${n}`,
        model: 'some-model:latest',
        systemPrompt: null,
        currentMessageId: messageId,
        createdAt: at,
        updatedAt: at,
      });
      messages.push({
        _id: messageId,
        conversationId,
        userId,
        parentId: null,
        role: 'user',
        content: `${n} `.padEnd(MESSAGE_BYTES, 'x'),
        status: 'complete',
        model: null,
        usage: null,
        createdAt: at,
      });
    }
    await db.collection<ConversationDocument>(COLLECTIONS.conversations).insertMany(conversations);
    for (let start = 0; start < messages.length; start += 50) {
      await db.collection<MessageDocument>(COLLECTIONS.messages).insertMany(messages.slice(start, start + 50));
    }
  } finally {
    await client.close();
  }
}

/** FerretDB running (again) and the chat process ready on it: whichever test ran before. */
async function databaseUp(): Promise<void> {
  await ferretdb.start();
  await waitFor(async () => (await fetch(`${chat.process.baseUrl}/readyz`)).status === 200, 20_000);
}

const exportAll = (token: string, format = 'json') =>
  fetch(`${chat.process.baseUrl}/chat/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });

describe('MongoDB stopped during an export', () => {
  it('breaks the download where the client sees it, and logs it with the request id', async () => {
    await databaseUp();
    // Markdown: a file that would look whole if it merely ended early.
    const response = await exportAll(user.token, 'markdown');
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = (await reader.read()).value?.byteLength ?? 0;

    await ferretdb.stop();
    const broken = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        received += value.byteLength;
      }
    })().catch((error: unknown) => error);
    // A body that ended without its last chunk: fetch rejects rather than ending the stream.
    expect(broken).toBeInstanceOf(TypeError);
    expect(received).toBeLessThan(CONVERSATIONS * MESSAGE_BYTES);

    await waitFor(async () =>
      chat.process.logs.some((line) => line.msg === 'export failed part-way; the download is cut off'),
    );
    expect(
      chat.process.logs.find((line) => line.msg === 'export failed part-way; the download is cut off'),
    ).toMatchObject({ level: 'error', requestId });
  });

  it('answers a 503 problem when MongoDB is away before the export starts', async () => {
    await databaseUp();
    // A session of its own, first asked for by the export below: for AUTH_SESSION_CACHE_MS
    // after that, a request gets past the token check and fails at what it reads itself.
    const sessionId = `export-outage-${new ObjectId().toHexString()}`;
    const client = new MongoClient(ferretdb.uri);
    await liveTestSession(client.db(DB), sessionId).finally(() => client.close());
    const token = await signAccessToken(chat.key, { claims: { sub: new ObjectId().toHexString(), sid: sessionId } });
    expect((await exportAll(token)).status).toBe(200);
    await ferretdb.stop();
    const response = await exportAll(token);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect({ status: response.status, code: ((await response.json()) as { code: string }).code }).toEqual({
      status: 503,
      code: 'database_unavailable',
    });
  });
});
