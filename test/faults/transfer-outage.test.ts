// MongoDB stopped during an export of all conversations: the download breaks so that the
// client sees it broken (not a shorter file that looks whole), and the chat process logs the
// failure with the request's id. Stopped before an export, it gets a 503 problem. Stopped
// during an import (killed): a 503 problem, nothing of the import to see, and what it wrote
// cleared by the next import once its lease has run out. A FerretDB of this file's own is
// stopped, by pid; the shared one is not.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type ConversationDocument, type MessageDocument } from '@zerochat/data';
import { createFerretDb, ensureFerretDb, type FerretDb } from '@zerochat/local-services';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatProcess, startChatProcess } from '../support/chat-process.ts';
import { liveTestSession, signAccessToken, type TestSigningKey } from '../support/keys.ts';
import { testServices } from '../support/test-services.ts';
import { waitFor } from '../support/wait-for.ts';

const MONGODB_TIMEOUT_MS = 1000;
const DB = 'transfer-outage';
/**
 * The export's size: far more than the socket buffers between the processes can hold (a few
 * MB on loopback), so the chat process still has batches to read when FerretDB stops.
 */
const CONVERSATIONS = 500;
const MESSAGE_BYTES = 40 * 1024;

let ferretdb: FerretDb;
let chat: ChatProcess & { key: TestSigningKey };

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `transfer-outage-${process.pid}`), registryDir });
  await ferretdb.start();
  chat = await startChatProcess({
    mongoUri: ferretdb.uri,
    dbName: DB,
    // A session once seen live is trusted this long (see the 503 test).
    env: { MONGODB_TIMEOUT_MS: String(MONGODB_TIMEOUT_MS), AUTH_SESSION_CACHE_MS: '5000' },
  });
}, 120_000);

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

const call = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${chat.process.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return { status: response.status, code: ((await response.json()) as { code: string }).code };
}

/** A file of `count` conversations of `messages` messages each, one answering the other. */
function importFile(count: number, messages: number) {
  const at = '2030-01-01T00:00:00.000Z';
  return {
    format: 'zerochat.conversations',
    version: 1,
    exportedAt: at,
    conversations: Array.from({ length: count }, (_, n) => ({
      id: `c${n}`,
      title: `Imported ${n}`,
      model: 'some-model:latest',
      systemPrompt: null,
      pinned: false,
      archived: false,
      createdAt: at,
      updatedAt: at,
      currentMessageId: null,
      messages: Array.from({ length: messages }, (_, m) => ({
        id: `m${m}`,
        parentId: m === 0 ? null : `m${m - 1}`,
        role: m % 2 === 0 ? 'user' : 'assistant',
        content: `message ${m} of conversation ${n}`,
        status: 'complete',
        finishReason: m % 2 === 0 ? null : 'stop',
        model: m % 2 === 0 ? null : 'some-model:latest',
        usage: null,
        createdAt: at,
      })),
    })),
  };
}

describe('MongoDB stopped during an export', () => {
  it('breaks the download where the client sees it, and logs it with the request id', async () => {
    await databaseUp();
    const user = await chat.user();
    await storeConversations(new ObjectId(user.id));
    // Markdown: a file that would look whole if it merely ended early.
    const response = await exportAll(user.token, 'markdown');
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = (await reader.read()).value?.byteLength ?? 0;
    const stderrBefore = chat.process.stderr.length;

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
    // Said once, in the structured log: no stack trace of the server's own on stderr besides.
    // An absence: the server answers a request after the failure, and its stderr has a moment
    // to arrive (a trace came within milliseconds of the log line when there was one).
    expect((await fetch(`${chat.process.baseUrl}/healthz`)).status).toBe(200);
    await sleep(500);
    expect(chat.process.stderr.slice(stderrBefore)).toBe('');
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
    expect(await problemOf(await exportAll(token))).toEqual({ status: 503, code: 'database_unavailable' });
  });
});

describe('MongoDB stopped during an import', () => {
  it('answers 503, shows nothing of it, and the next import after its lease clears what it wrote', async () => {
    await databaseUp();
    const user = await chat.user();
    const userId = new ObjectId(user.id);
    const client = new MongoClient(ferretdb.uri);
    const collection = (name: string) => client.db(DB).collection(name);
    try {
      // Without the export test's 20 MB of messages: FerretDB reads a whole collection for any
      // query not by _id alone, and at that size the import below would be over before the
      // watch that kills FerretDB saw its first message.
      await Promise.all(
        [COLLECTIONS.conversations, COLLECTIONS.messages].map((name) => collection(name).deleteMany({})),
      );
      // 20 000 messages: seconds of writes, FerretDB killed once the first messages are in (a
      // SIGTERM would let it finish the writes under way, and so the import).
      const importing = call('POST', '/chat/import', user.token, importFile(1000, 20));
      await waitFor(async () => (await collection(COLLECTIONS.messages).findOne({ userId })) !== null, 20_000);
      await ferretdb.kill();
      expect(await problemOf(await importing)).toEqual({ status: 503, code: 'database_unavailable' });

      await databaseUp();
      const list = (await (await call('GET', '/chat/conversations?archived=all', user.token)).json()) as {
        items: unknown[];
      };
      expect(list.items).toEqual([]);
      expect(((await (await exportAll(user.token)).json()) as { conversations: unknown[] }).conversations).toEqual([]);

      // Its cleanup could not reach the database: its record waits for the sweep, still staging.
      const [record] = await collection(COLLECTIONS.imports).find({ userId }).toArray();
      expect(record).toMatchObject({ state: 'staging' });
      expect(await collection(COLLECTIONS.conversations).countDocuments({ userId: record?._id })).toBe(1000);
      expect(await collection(COLLECTIONS.messages).countDocuments({ userId })).toBeGreaterThan(0);
      // As IMPORT_LEASE_MS (ten minutes) later: the next import of anyone resolves it.
      await collection(COLLECTIONS.imports).updateOne({ _id: record?._id }, { $set: { expiresAt: new Date(0) } });
      const someone = await chat.user();
      expect((await call('POST', '/chat/import', someone.token, importFile(1, 2))).status).toBe(201);
      expect({
        records: await collection(COLLECTIONS.imports).countDocuments({ userId }),
        staged: await collection(COLLECTIONS.conversations).countDocuments({ userId: record?._id }),
        conversations: await collection(COLLECTIONS.conversations).countDocuments({ userId }),
        messages: await collection(COLLECTIONS.messages).countDocuments({ userId }),
      }).toEqual({ records: 0, staged: 0, conversations: 0, messages: 0 });
    } finally {
      await client.close();
    }
  });
});
