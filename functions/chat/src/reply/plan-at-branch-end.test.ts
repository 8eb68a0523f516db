// A new message planned from its branch's end, on FerretDB: the same parent and the same
// prompt as the plan over the whole conversation, or no plan where that cannot be known.
import { COLLECTIONS, type ConversationDocument, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { createChatStore } from '../chat-store.ts';
import { firstChildId } from '../first-child-id.ts';
import { messageTree } from '../message-tree.ts';
import { trimHistory } from '../trim-history.ts';
import { BRANCH_WALK_LIMIT, lookUpBranchEnd, planAtBranchEnd } from './plan-at-branch-end.ts';
import { planReply, type ReplyPlan } from './plan-reply.ts';

const database = useTestDatabase();
const store = createChatStore(database.db, () => new Date());
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);
const conversations = () => database.db.collection<ConversationDocument>(COLLECTIONS.conversations);
const generation = { model: 'm', leaseId: new ObjectId() };

async function newConversation(systemPrompt: string | null = null) {
  return store.createConversation({ userId: new ObjectId(), title: 'New conversation', model: 'm', systemPrompt });
}

/**
 * A new message and its reply, planned and written as a reply does; `touched: false` as when
 * the activity write failed.
 */
async function exchange(
  conversation: ConversationDocument,
  question: string,
  answer: string,
  { touched = true, status = 'complete' }: { touched?: boolean; status?: 'complete' | 'error' } = {},
) {
  const current = await reread(conversation);
  const plan = (await planAtBranchEnd(store, current, question, 1_000_000)) ?? (await planFromAll(current, question));
  if (plan.kind !== 'message') throw new Error('not a new message');
  const { userMessage, reply } = await store.insertExchange(current, question, generation, plan.parentId, true);
  await store.finishReply(reply, { content: answer, status, finishReason: null, usage: null });
  if (touched) await store.touchConversation(current, question, reply._id, true);
  return { userMessage, reply };
}

const reread = async (conversation: ConversationDocument) =>
  (await conversations().findOne({ _id: conversation._id })) as ConversationDocument;

/** The plan over the whole conversation, as before. */
async function planFromAll(conversation: ConversationDocument, content: string): Promise<ReplyPlan> {
  const stored = await store.conversationMessages(conversation.userId, conversation._id);
  return planReply({ kind: 'message', content }, messageTree(stored), conversation.currentMessageId);
}

const prompt = (conversation: ConversationDocument, plan: ReplyPlan, budgetChars: number) =>
  trimHistory({ systemPrompt: conversation.systemPrompt, earlier: plan.earlier, next: plan.next, budgetChars });

/** Plans both ways, expects the branch's end to give a plan, and the same one; returns it. */
async function planBoth(conversation: ConversationDocument, content: string, budgetChars: number) {
  const atEnd = await planAtBranchEnd(store, await reread(conversation), content, budgetChars);
  const fromAll = await planFromAll(await reread(conversation), content);
  expect(atEnd).toBeDefined();
  if (atEnd?.kind !== 'message' || fromAll.kind !== 'message') throw new Error('no plan at the branch end');
  expect(atEnd.parentId).toEqual(fromAll.parentId);
  expect(prompt(conversation, atEnd, budgetChars)).toEqual(prompt(conversation, fromAll, budgetChars));
  return atEnd;
}

const planAtEnd = async (conversation: ConversationDocument, content = 'next', budgetChars = 1_000_000) =>
  planAtBranchEnd(store, await reread(conversation), content, budgetChars);

describe('a new message at the end of its branch', () => {
  it('in a new conversation follows nothing, without reading its messages', async () => {
    const conversation = await newConversation();
    expect(conversation.currentIsLeaf).toBe(true);
    const plan = await planBoth(conversation, 'hello', 1000);
    expect(plan).toMatchObject({ parentId: null, earlier: [] });
  });

  it('gives the same parent and prompt as the whole conversation, for every budget', async () => {
    const conversation = await newConversation('Be brief.');
    for (let i = 0; i < 5; i++) await exchange(conversation, `question ${i}`, `answer number ${i}`);
    // 0: none fits; 37 and 47: the newest one and two fit exactly (22 go to the system prompt
    // and the new message); 30 and 60: a cut where a reply would lead (left out); 1000: all.
    for (const budget of [0, 20, 30, 37, 41, 47, 60, 1000]) await planBoth(conversation, 'next question', budget);
    const all = await planBoth(conversation, 'next', 1000);
    expect(all.earlier).toHaveLength(10);
  });

  it('reads the branch only as far up as the budget reaches', async () => {
    const conversation = await newConversation();
    for (let i = 0; i < 3; i++) await exchange(conversation, `question ${i}`, `answer number ${i}`);
    let reads = 0;
    const counting = {
      ...store,
      findMessage: (...args: Parameters<typeof store.findMessage>) => {
        reads++;
        return store.findMessage(...args);
      },
    };
    const readsFor = async (budgetChars: number) => {
      reads = 0;
      await planAtBranchEnd(counting, await reread(conversation), 'next', budgetChars);
      return reads;
    };
    // The end only (it is read to be sure it is there); then as many as fit, and the one that did not.
    expect(await readsFor(0)).toBe(1);
    expect(await readsFor(4 + 15)).toBe(1);
    expect(await readsFor(4 + 15 + 1)).toBe(2);
    expect(await readsFor(1000)).toBe(6);
  });

  it('takes the lookups guessed before the conversation was read when its end is the guessed one', async () => {
    const conversation = await newConversation();
    await exchange(conversation, 'one', 'first answer');
    const { reply } = await exchange(conversation, 'two', 'second answer');
    let lookups = 0;
    const counting = {
      findMessage: (...args: Parameters<typeof store.findMessage>) => {
        lookups++;
        return store.findMessage(...args);
      },
      hasMessage: (id: ObjectId) => {
        lookups++;
        return store.hasMessage(id);
      },
    };
    const guessed = lookUpBranchEnd(store, conversation, reply._id);
    const plan = await planAtBranchEnd(counting, await reread(conversation), 'three', 0, guessed);
    expect(lookups).toBe(0);
    expect(plan).toEqual(await planAtBranchEnd(store, await reread(conversation), 'three', 0));
    expect(plan).toMatchObject({ kind: 'message', parentId: reply._id });
  });

  it('looks up again when the guess was another end (another instance replied since), or failed', async () => {
    const conversation = await newConversation();
    const first = await exchange(conversation, 'one', 'first answer');
    const second = await exchange(conversation, 'two', 'second answer');
    const stale = () => lookUpBranchEnd(store, conversation, first.reply._id);
    const failed = () => Promise.reject(new Error('MongoDB went away'));
    for (const guess of [stale, failed]) {
      for (const budget of [0, 1000]) {
        const plan = await planAtBranchEnd(store, await reread(conversation), 'three', budget, guess());
        expect(plan).toEqual(await planAtBranchEnd(store, await reread(conversation), 'three', budget));
        expect(plan).toMatchObject({ parentId: second.reply._id });
      }
    }
  });

  it('skips what is not sent along (a failed reply, one without text), as the whole read does', async () => {
    const conversation = await newConversation();
    await exchange(conversation, 'one', 'first answer');
    await exchange(conversation, 'two', 'broken', { status: 'error' });
    await exchange(conversation, 'three', '');
    for (const budget of [0, 5, 10, 20, 1000]) await planBoth(conversation, 'four', budget);
  });

  it('reads the whole conversation when its branch leads to a message that is gone', async () => {
    const conversation = await newConversation();
    const { userMessage } = await exchange(conversation, 'one', 'first answer');
    await exchange(conversation, 'two', 'second answer');
    await messages().deleteOne({ _id: userMessage._id });
    expect(await planAtEnd(conversation, 'three', 1000)).toBeUndefined();
  });

  it('after a message whose activity write failed: a message follows the end, so the whole is read', async () => {
    const conversation = await newConversation();
    await exchange(conversation, 'one', 'first answer');
    await exchange(conversation, 'two', 'second answer', { touched: false });
    expect(await planAtEnd(conversation)).toBeUndefined();
    // The whole read goes on to the newest message below; the next reply makes the end known again.
    const plan = await planFromAll(await reread(conversation), 'three');
    expect(plan.earlier.map((message) => message.content)).toEqual(['one', 'first answer', 'two', 'second answer']);
    await exchange(conversation, 'three', 'third answer');
    await planBoth(conversation, 'four', 1000);
  });

  it('after a branch is chosen, a reply continued or a message deleted, reads the whole until a new reply', async () => {
    const conversation = await newConversation();
    const first = await exchange(conversation, 'one', 'first answer');
    await exchange(conversation, 'two', 'second answer');
    await store.selectBranch(conversation.userId, conversation._id, first.reply._id);
    expect(await planAtEnd(conversation)).toBeUndefined();
    await exchange(conversation, 'three', 'third answer');
    await planBoth(conversation, 'four', 1000);

    const continued = await exchange(conversation, 'four', 'fourth answer');
    await store.touchConversation(await reread(conversation), 'four', continued.reply._id, false);
    expect(await planAtEnd(conversation)).toBeUndefined();
    await exchange(conversation, 'five', 'fifth answer');

    await store.forgetBranchEnd(conversation._id);
    expect(await planAtEnd(conversation)).toBeUndefined();
  });

  it('two messages sent at once both follow the end; the second under an id of its own', async () => {
    const conversation = await newConversation();
    const { reply } = await exchange(conversation, 'one', 'first answer');
    const current = await reread(conversation);
    const [a, b] = await Promise.all([
      store.insertExchange(current, 'two', generation, reply._id, true),
      store.insertExchange(current, 'two again', generation, reply._id, true),
    ]);
    expect([a.userMessage._id, b.userMessage._id]).toContainEqual(firstChildId(conversation._id, reply._id));
    expect(a.userMessage._id.equals(b.userMessage._id)).toBe(false);
    expect(await planAtEnd(conversation)).toBeUndefined();
  });

  it('does not walk a branch longer than its limit, nor past messages stored before branches', async () => {
    const long = await newConversation();
    for (let i = 0; i < BRANCH_WALK_LIMIT / 2 + 1; i++) await exchange(long, `q${i}`, `a${i}`);
    expect(await planAtEnd(long, 'next', 1_000_000)).toBeUndefined();
    await planBoth(long, 'next', 30);

    const old = await newConversation();
    const oldest: MessageDocument = {
      _id: new ObjectId(),
      conversationId: old._id,
      userId: old.userId,
      role: 'user',
      content: 'from before branches',
      status: 'complete',
      model: null,
      usage: null,
      createdAt: new Date(Date.UTC(2025, 0, 1)),
    };
    await messages().insertOne(oldest);
    // Stored before branches, its conversation knows nothing of its end either.
    await conversations().updateOne(
      { _id: old._id },
      { $unset: { currentIsLeaf: '' }, $set: { currentMessageId: null } },
    );
    expect(await planAtEnd(old)).toBeUndefined();
    const { userMessage } = await exchange(old, 'new', 'new answer');
    expect(userMessage.parentId).toEqual(oldest._id);
    await planBoth(old, 'next', 20);
    expect(await planAtEnd(old, 'next', 1000)).toBeUndefined();
  });
});
