// When a pending reply counts as left by an instance that went away, on FerretDB, with the
// clock in the test's hands. The reply's slot is taken beside its first write (startReply), so
// a page that reads the conversation right after sending may see the reply before its lease.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { createLifecycle, MetricsRegistry, parseConfig } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatContext, createChatContext } from '../chat-context.ts';
import { chatConfigSchema } from '../config.ts';
import { createModelServer } from '../model-server.ts';
import { isOrphaned, settleIfOrphaned } from './orphaned-reply.ts';

const LEASE_MS = 10_000;
const database = useTestDatabase();
const { log, lines } = captureLog();
let clock = new Date('2026-06-01T12:00:00Z');
let chat: ChatContext;

beforeAll(() => {
  const settings = parseConfig(chatConfigSchema, {
    MONGODB_URI: database.uri,
    AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
    OLLAMA_HOST: testServices().ollamaHost,
    CHAT_GENERATION_LEASE_MS: String(LEASE_MS),
  });
  chat = createChatContext({
    settings,
    db: database.db,
    models: createModelServer({ host: settings.OLLAMA_HOST }),
    lifecycle: createLifecycle(),
    log,
    metrics: new MetricsRegistry(),
    now: () => clock,
  });
});

const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);

/** A reply as startReply writes it: pending, empty, with the lease its slot is to be taken under. */
async function pendingReply(): Promise<MessageDocument> {
  const reply: MessageDocument = {
    _id: new ObjectId(),
    conversationId: new ObjectId(),
    userId: new ObjectId(),
    parentId: new ObjectId(),
    role: 'assistant',
    content: '',
    status: 'pending',
    model: 'tiny',
    usage: null,
    createdAt: clock,
    leaseId: new ObjectId(),
  };
  await messages().insertOne(reply);
  return reply;
}

const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

describe('a pending reply', () => {
  it('whose slot is not taken yet is in progress, and stays stored as it is when read', async () => {
    const reply = await pendingReply();
    expect(await isOrphaned(chat, reply)).toBe(false);
    const settled = await settleIfOrphaned(chat, reply, false, log);
    expect(settled).toEqual({ reply, orphaned: false });
    expect(await messages().findOne({ _id: reply._id })).toMatchObject({ status: 'pending' });
  });

  it('that never took its slot is ended as failed a lease’s length after it started', async () => {
    const reply = await pendingReply();
    later(LEASE_MS - 1);
    expect(await isOrphaned(chat, reply)).toBe(false);
    later(2);
    const settled = await settleIfOrphaned(chat, reply, false, log);
    expect(settled.orphaned).toBe(true);
    expect(settled.reply).toMatchObject({ status: 'error' });
    expect(await messages().findOne({ _id: reply._id })).toMatchObject({ status: 'error' });
    expect(lines.filter((line) => line.messageId === reply._id.toHexString())).toMatchObject([
      { level: 'warn', msg: 'a reply left pending by an instance that went away is stored as ended', status: 'error' },
    ]);
  });

  it('whose slot is held is in progress however long ago it started, and orphaned once the lease lapses', async () => {
    const reply = await pendingReply();
    const slot = await chat.slots.acquire(reply.userId, reply.leaseId);
    later(LEASE_MS * 5);
    // The test's clock moves past the slot's renewals: one is made here, as they would.
    await database.db
      .collection(COLLECTIONS.generationSlots)
      .updateOne({ leaseId: reply.leaseId }, { $set: { expiresAt: new Date(clock.getTime() + LEASE_MS) } });
    expect(await isOrphaned(chat, reply)).toBe(false);
    later(LEASE_MS + 1);
    expect(await isOrphaned(chat, reply)).toBe(true);
    const stopped = await settleIfOrphaned(chat, reply, true, log);
    expect(stopped.reply).toMatchObject({ status: 'incomplete', finishReason: 'cancelled' });
    await slot.release();
  });

  it('continued (started again later) counts from its new start', async () => {
    const reply = { ...(await pendingReply()), startedAt: new Date(clock.getTime() + LEASE_MS * 3) };
    later(LEASE_MS * 3 + 1);
    expect(await isOrphaned(chat, reply)).toBe(false);
    later(LEASE_MS);
    expect(await isOrphaned(chat, reply)).toBe(true);
  });
});
