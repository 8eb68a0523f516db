import {
  COLLECTIONS,
  type ConversationDocument,
  isDuplicateKey,
  type MessageDocument,
  type MessageStatus,
  type MessageUsage,
} from '@zerochat/data';
import { type Db, ObjectId } from 'mongodb';
import { firstChildId } from './first-child-id.ts';
import type { FinishReason } from './reply/stream-reply.ts';

export const DEFAULT_TITLE = 'New conversation';
const TITLE_FROM_MESSAGE_CHARS = 60;

export interface Exchange {
  userMessage: MessageDocument;
  reply: MessageDocument;
}

/**
 * Conversations and messages in MongoDB. Every query that takes a user id filters by it, so
 * another user's conversation is simply not found. Only single-document atomic writes: no
 * transactions (FerretDB has none).
 */
export function createChatStore(db: Db, now: () => Date) {
  const conversations = db.collection<ConversationDocument>(COLLECTIONS.conversations);
  const messages = db.collection<MessageDocument>(COLLECTIONS.messages);

  /** The user's message, under `userMessageId`, and the reply placeholder after it. */
  async function insertExchangeAs(
    conversation: ConversationDocument,
    content: string,
    generation: Generation,
    parentId: ObjectId | null,
    userMessageId: ObjectId,
  ): Promise<Exchange> {
    const base = { conversationId: conversation._id, userId: conversation.userId, createdAt: now() };
    const userMessage: MessageDocument = {
      _id: userMessageId,
      ...base,
      parentId,
      role: 'user',
      content,
      status: 'complete',
      model: null,
      usage: null,
    };
    // A millisecond later, so that lists by createdAt then _id keep the message first: its id
    // (firstChildId) may sort after the reply's.
    const reply = placeholder(
      { ...base, createdAt: new Date(base.createdAt.getTime() + 1) },
      userMessageId,
      generation,
    );
    await messages.insertMany([userMessage, reply], { ordered: true });
    return { userMessage, reply };
  }

  return {
    async findConversation(userId: ObjectId, id: ObjectId) {
      // By _id alone, the owner compared here: FerretDB's SQLite backend looks a document up by
      // its _id only when the filter names nothing else, and reads the whole collection otherwise.
      const found = await conversations.findOne({ _id: id });
      return found?.userId.equals(userId) ? found : null;
    },

    async createConversation(fields: Pick<ConversationDocument, 'userId' | 'title' | 'model' | 'systemPrompt'>) {
      const at = now();
      const document: ConversationDocument = {
        _id: new ObjectId(),
        ...fields,
        currentMessageId: null,
        currentIsLeaf: true,
        createdAt: at,
        updatedAt: at,
      };
      await conversations.insertOne(document);
      return document;
    },

    updateConversation(
      userId: ObjectId,
      id: ObjectId,
      changes: Partial<Pick<ConversationDocument, 'title' | 'model' | 'systemPrompt'>>,
    ) {
      return conversations.findOneAndUpdate(
        { _id: id, userId },
        { $set: { ...changes, updatedAt: now() } },
        { returnDocument: 'after' },
      );
    },

    /**
     * Messages first: if the second step fails, the conversation is still there to delete
     * again. Both filter by the user, so a stranger's id deletes nothing and answers false.
     */
    async deleteConversation(userId: ObjectId, id: ObjectId): Promise<boolean> {
      await messages.deleteMany({ conversationId: id, userId });
      const { deletedCount } = await conversations.deleteOne({ _id: id, userId });
      return deletedCount === 1;
    },

    /** By the user too, so that it can be read alongside findConversation, not after it. */
    conversationMessages(userId: ObjectId, conversationId: ObjectId) {
      return messages.find({ conversationId, userId }).sort({ createdAt: 1, _id: 1 }).toArray();
    },

    /**
     * The user's message after `parentId` and the reply placeholder (`pending`) after it,
     * written before Ollama is asked. A new message at the end of its branch (`atBranchEnd`,
     * not an edit) takes the id firstChildId derives from its parent, unless another message
     * took it first: two sent at once then both follow that parent, as they always did.
     */
    async insertExchange(
      conversation: ConversationDocument,
      content: string,
      generation: Generation,
      parentId: ObjectId | null,
      atBranchEnd: boolean,
    ): Promise<Exchange> {
      const insert = (id: ObjectId) => insertExchangeAs(conversation, content, generation, parentId, id);
      if (!atBranchEnd) return insert(new ObjectId());
      try {
        return await insert(firstChildId(conversation._id, parentId));
      } catch (error) {
        if (isDuplicateKey(error)) return insert(new ObjectId());
        throw error;
      }
    },

    /** A new reply placeholder (`pending`) to the user message `parentId`: a regeneration. */
    async insertReply(conversation: ConversationDocument, parentId: ObjectId, generation: Generation) {
      const base = { conversationId: conversation._id, userId: conversation.userId, createdAt: now() };
      const reply = placeholder(base, parentId, generation);
      await messages.insertOne(reply);
      return reply;
    },

    /** Deletes messages by id (the writes of a reply that could not start; a subtree). */
    async discardMessages(userId: ObjectId, ids: ObjectId[]): Promise<void> {
      await messages.deleteMany({ _id: { $in: ids }, userId });
    },

    /**
     * Makes a finished reply `pending` again, to continue it; null when it is pending already
     * (or not the user's reply). Resolves with the reply as it was.
     */
    reopenReply(userId: ObjectId, id: ObjectId, leaseId: ObjectId) {
      return messages.findOneAndUpdate(
        { _id: id, userId, role: 'assistant', status: { $ne: 'pending' } },
        { $set: { status: 'pending', startedAt: now(), leaseId }, $unset: { stopRequestedAt: '' } },
        { returnDocument: 'before' },
      );
    },

    /** Puts a reopened reply back as it was, when its continuation could not start. */
    async restoreReply(reply: MessageDocument): Promise<void> {
      await messages.updateOne({ _id: reply._id }, { $set: { status: reply.status }, $unset: { stopRequestedAt: '' } });
    },

    /** One message of the user's conversation; by _id alone, as findConversation. */
    async findMessage(userId: ObjectId, conversationId: ObjectId, id: ObjectId) {
      const found = await messages.findOne({ _id: id });
      return found?.conversationId.equals(conversationId) && found.userId.equals(userId) ? found : null;
    },

    /** Whether a message with this id exists (of any conversation). */
    async hasMessage(id: ObjectId): Promise<boolean> {
      return (await messages.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
    },

    /**
     * Saves a pending reply's text so far (when `content` is given) and tells whether it
     * should go on: false when a stop was requested, or it is gone or no longer pending.
     */
    async saveProgress(id: ObjectId, content?: string): Promise<boolean> {
      if (content === undefined) {
        // Read by _id alone and judged here: FerretDB decodes every message stored for any other filter.
        const found = await messages.findOne({ _id: id }, { projection: { status: 1, stopRequestedAt: 1 } });
        return found?.status === 'pending' && found.stopRequestedAt === undefined;
      }
      // One round trip, nothing read back (FerretDB has no projection on findAndModify). The
      // condition stays in the filter, so that the write is atomic with it on MongoDB; on
      // FerretDB that decodes every message stored, as any filter on more than _id does.
      const goingOn = { _id: id, status: 'pending' as const, stopRequestedAt: { $exists: false } };
      const { matchedCount } = await messages.updateOne(goingOn, { $set: { content } });
      return matchedCount === 1;
    },

    /** Asks whichever instance generates the reply to stop it; false when it is not pending. */
    async requestStop(id: ObjectId): Promise<boolean> {
      const { matchedCount } = await messages.updateOne(
        { _id: id, status: 'pending' },
        { $set: { stopRequestedAt: now() } },
      );
      return matchedCount === 1;
    },

    /**
     * Stores a reply that its instance left pending as ended, with its text so far: stopped
     * (`incomplete`) or failed (`error`). Null when that generation is no longer pending (it
     * ended meanwhile, or was continued by another).
     */
    settleOrphan(reply: MessageDocument, status: 'incomplete' | 'error') {
      return messages.findOneAndUpdate(
        { _id: reply._id, status: 'pending', leaseId: reply.leaseId ?? { $exists: false } },
        status === 'incomplete'
          ? { $set: { status, finishReason: 'cancelled' }, $unset: { stopRequestedAt: '' } }
          : { $set: { status }, $unset: { finishReason: '', stopRequestedAt: '' } },
        { returnDocument: 'after' },
      );
    },

    /**
     * Makes the branch through `messageId` current; null when the conversation is not the
     * user's. Whether anything is below that message is not known then (currentIsLeaf).
     */
    selectBranch(userId: ObjectId, id: ObjectId, messageId: ObjectId | null) {
      return conversations.findOneAndUpdate(
        { _id: id, userId },
        { $set: { currentMessageId: messageId }, $unset: { currentIsLeaf: '' } },
        { returnDocument: 'after' },
      );
    },

    /** Forgets that the current message ends its branch: messages below it may change. */
    async forgetBranchEnd(id: ObjectId): Promise<void> {
      await conversations.updateOne({ _id: id }, { $unset: { currentIsLeaf: '' } });
    },

    /**
     * Marks the conversation as active now, on the branch of `currentMessageId`: a new reply,
     * which ends its branch (`endsBranch`, see currentIsLeaf), or a continued one, which may
     * not. A conversation still named DEFAULT_TITLE that had no activity before is named after
     * its first message. Resolves with that title when it gave one.
     */
    async touchConversation(
      conversation: ConversationDocument,
      firstMessage: string,
      currentMessageId: ObjectId,
      endsBranch: boolean,
    ): Promise<string | undefined> {
      const updatedAt = now();
      const change = (fields: Partial<ConversationDocument>) =>
        endsBranch
          ? { $set: { ...fields, updatedAt, currentMessageId, currentIsLeaf: true } }
          : { $set: { ...fields, updatedAt, currentMessageId }, $unset: { currentIsLeaf: '' as const } };
      const untouched =
        conversation.title === DEFAULT_TITLE && conversation.updatedAt.getTime() === conversation.createdAt.getTime();
      if (untouched) {
        const title = titleFrom(firstMessage);
        const { matchedCount } = await conversations.updateOne(
          { _id: conversation._id, title: DEFAULT_TITLE, updatedAt: conversation.updatedAt },
          change({ title }),
        );
        if (matchedCount === 1) return title;
      }
      await conversations.updateOne({ _id: conversation._id }, change({}));
      return undefined;
    },

    /**
     * Replaces the title the first message gave with the model's; false when the title is no
     * longer that one (the user renamed it meanwhile: theirs wins).
     */
    async retitle(conversationId: ObjectId, from: string, to: string): Promise<boolean> {
      const { matchedCount } = await conversations.updateOne(
        { _id: conversationId, title: from },
        { $set: { title: to } },
      );
      return matchedCount === 1;
    },

    /**
     * The reply's final state. A deleted conversation's reply stays deleted (no upsert):
     * resolves false then.
     */
    async finishReply(
      reply: Pick<MessageDocument, '_id' | 'userId' | 'conversationId'>,
      result: {
        content: string;
        status: Exclude<MessageStatus, 'pending'>;
        finishReason: FinishReason | null;
        usage: MessageUsage | null;
      },
    ): Promise<boolean> {
      const { finishReason, ...fields } = result;
      const { matchedCount } = await messages.updateOne(
        { _id: reply._id },
        finishReason
          ? { $set: { ...fields, finishReason }, $unset: { stopRequestedAt: '' } }
          : { $set: fields, $unset: { finishReason: '', stopRequestedAt: '' } },
      );
      return matchedCount === 1;
    },
  };
}

/** What a reply is generated by: the model, under the lease of a generation slot. */
export interface Generation {
  model: string;
  leaseId: ObjectId;
}

function placeholder(
  base: Pick<MessageDocument, 'conversationId' | 'userId' | 'createdAt'>,
  parentId: ObjectId,
  { model, leaseId }: Generation,
): MessageDocument {
  return {
    _id: new ObjectId(),
    ...base,
    parentId,
    role: 'assistant',
    content: '',
    status: 'pending',
    model,
    usage: null,
    leaseId,
  };
}

export type ChatStore = ReturnType<typeof createChatStore>;

function titleFrom(message: string): string {
  // Code points, not UTF-16 units, so an emoji is never cut in half.
  const line = [...message.replace(/\s+/g, ' ').trim()];
  if (line.length <= TITLE_FROM_MESSAGE_CHARS) return line.join('') || DEFAULT_TITLE;
  return `${line
    .slice(0, TITLE_FROM_MESSAGE_CHARS - 1)
    .join('')
    .trimEnd()}…`;
}
