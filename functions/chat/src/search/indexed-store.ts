import type { Logger } from '@zerochat/runtime';
import type { ChatStore } from '../chat-store.ts';
import type { SearchIndex } from './search-index.ts';

/**
 * The chat store, telling the search index about every message whose content is final and
 * every deletion. A failure of the index is logged, never the request's: a message that could
 * not be indexed is only harder to find.
 */
export function withSearchIndex(store: ChatStore, index: SearchIndex, log: Logger): ChatStore {
  const indexing = (what: string) => (error: unknown) => log.warn(`indexing ${what} for search failed`, { err: error });

  return {
    ...store,
    async insertExchange(conversation, content, generation, parentId) {
      const exchange = await store.insertExchange(conversation, content, generation, parentId);
      await index.put(exchange.userMessage).catch(indexing('a message'));
      return exchange;
    },
    async discardMessages(userId, ids) {
      await store.discardMessages(userId, ids);
      await index.dropMessages(userId, ids).catch(indexing('discarded messages'));
    },
    async finishReply(replyId, result) {
      await store.finishReply(replyId, result);
      await index.putReply(replyId, result.content).catch(indexing('a reply'));
    },
    async deleteConversation(userId, id) {
      const deleted = await store.deleteConversation(userId, id);
      if (deleted) await index.dropConversation(userId, id).catch(indexing('a deleted conversation'));
      return deleted;
    },
  };
}
