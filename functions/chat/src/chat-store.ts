import {
  COLLECTIONS,
  type ConversationDocument,
  type MessageDocument,
  type MessageStatus,
  type MessageUsage,
} from '@zerochat/data';
import { type Db, ObjectId } from 'mongodb';
import type { EarlierMessage } from './trim-history.ts';

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

  return {
    findConversation(userId: ObjectId, id: ObjectId) {
      return conversations.findOne({ _id: id, userId });
    },

    async createConversation(fields: Pick<ConversationDocument, 'userId' | 'title' | 'model' | 'systemPrompt'>) {
      const at = now();
      const document: ConversationDocument = { _id: new ObjectId(), ...fields, createdAt: at, updatedAt: at };
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
     * The conversation's finished messages, oldest first, reading back from the newest only
     * until `budgetChars` is spent (plus the one that overflows it; trimHistory cuts exactly).
     * By the user too, so that it can be read alongside findConversation, not after it.
     */
    async recentHistory(userId: ObjectId, conversationId: ObjectId, budgetChars: number): Promise<EarlierMessage[]> {
      const history: EarlierMessage[] = [];
      if (budgetChars <= 0) return history;
      const cursor = messages
        .find({
          conversationId,
          userId,
          status: { $in: ['complete', 'incomplete'] },
          role: { $in: ['user', 'assistant'] },
        })
        .sort({ createdAt: -1, _id: -1 })
        .batchSize(50);
      let chars = 0;
      try {
        for await (const message of cursor) {
          if (!message.content) continue;
          history.push({ role: message.role as EarlierMessage['role'], content: message.content });
          chars += message.content.length;
          if (chars > budgetChars) break;
        }
      } finally {
        await cursor.close();
      }
      return history.reverse();
    },

    /** The user's message and the reply placeholder (`pending`), written before Ollama is asked. */
    async insertExchange(conversation: ConversationDocument, content: string, model: string): Promise<Exchange> {
      const at = now();
      const base = { conversationId: conversation._id, userId: conversation.userId, createdAt: at };
      const userMessage: MessageDocument = {
        _id: new ObjectId(),
        ...base,
        role: 'user',
        content,
        status: 'complete',
        model: null,
        usage: null,
      };
      const reply: MessageDocument = {
        _id: new ObjectId(),
        ...base,
        role: 'assistant',
        content: '',
        status: 'pending',
        model,
        usage: null,
      };
      // Same createdAt; the ObjectIds (made in this order) keep the user's message first.
      await messages.insertMany([userMessage, reply], { ordered: true });
      return { userMessage, reply };
    },

    /** Undoes insertExchange when the reply could not even start: the request had no effect. */
    async discardExchange(exchange: Exchange): Promise<void> {
      await messages.deleteMany({ _id: { $in: [exchange.userMessage._id, exchange.reply._id] } });
    },

    /**
     * Marks the conversation as active now; a conversation still named DEFAULT_TITLE that had
     * no activity before is named after its first message.
     */
    async touchConversation(conversation: ConversationDocument, firstMessage: string): Promise<void> {
      const updatedAt = now();
      const untouched =
        conversation.title === DEFAULT_TITLE && conversation.updatedAt.getTime() === conversation.createdAt.getTime();
      if (untouched) {
        const { matchedCount } = await conversations.updateOne(
          { _id: conversation._id, title: DEFAULT_TITLE, updatedAt: conversation.updatedAt },
          { $set: { title: titleFrom(firstMessage), updatedAt } },
        );
        if (matchedCount === 1) return;
      }
      await conversations.updateOne({ _id: conversation._id }, { $set: { updatedAt } });
    },

    /** The reply's final state. A deleted conversation's reply stays deleted (no upsert). */
    async finishReply(
      replyId: ObjectId,
      result: { content: string; status: Exclude<MessageStatus, 'pending'>; usage: MessageUsage | null },
    ): Promise<void> {
      await messages.updateOne({ _id: replyId }, { $set: result });
    },
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
