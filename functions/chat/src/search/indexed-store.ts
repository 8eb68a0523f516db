import type { Logger } from '@zerochat/runtime';
import type { ObjectId } from 'mongodb';
import type { ChatStore } from '../chat-store.ts';
import type { SearchIndex } from './search-index.ts';

/**
 * The chat store, telling the search index about every message whose content is final and
 * every deletion. A failure of the index is logged, never the request's: a message that could
 * not be indexed is only harder to find.
 */
export function withSearchIndex(store: ChatStore, index: SearchIndex, log: Logger): ChatStore {
  const indexing = (what: string) => (error: unknown) => log.warn(`indexing ${what} for search failed`, { err: error });
  /** Replies in progress on this instance: finishReply knows only the reply's id. */
  const replies = new Map<string, { userId: ObjectId; conversationId: ObjectId; role: 'assistant' }>();

  return {
    ...store,
    async insertExchange(conversation, content, model) {
      const exchange = await store.insertExchange(conversation, content, model);
      replies.set(exchange.reply._id.toHexString(), {
        userId: exchange.reply.userId,
        conversationId: exchange.reply.conversationId,
        role: 'assistant',
      });
      await index.put(exchange.userMessage).catch(indexing('a message'));
      return exchange;
    },
    async discardExchange(exchange) {
      await store.discardExchange(exchange);
      replies.delete(exchange.reply._id.toHexString());
      await index
        .dropMessages(exchange.userMessage.userId, exchange.userMessage.conversationId, [exchange.userMessage._id])
        .catch(indexing('a discarded message'));
    },
    async finishReply(replyId, result) {
      await store.finishReply(replyId, result);
      const reply = replies.get(replyId.toHexString());
      replies.delete(replyId.toHexString());
      if (reply && result.content) {
        await index.put({ _id: replyId, ...reply, content: result.content }).catch(indexing('a reply'));
      }
    },
    async deleteConversation(userId, id) {
      const deleted = await store.deleteConversation(userId, id);
      if (deleted) await index.dropConversation(userId, id).catch(indexing('a deleted conversation'));
      return deleted;
    },
  };
}
