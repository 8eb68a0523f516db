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
  /**
   * A new exchange's user message, being indexed, by the reply's id: not waited for by the
   * exchange's insert (the reply's first token does not wait for it), but by the reply's final
   * state, so that a finished reply and its question are found alike.
   */
  const indexingExchanges = new Map<string, Promise<void>>();

  return {
    ...store,
    async insertExchange(conversation, content, generation, parentId, atBranchEnd) {
      const exchange = await store.insertExchange(conversation, content, generation, parentId, atBranchEnd);
      const key = exchange.reply._id.toHexString();
      const indexed = index
        .put(exchange.userMessage)
        .catch(indexing('a message'))
        .finally(() => indexingExchanges.delete(key));
      indexingExchanges.set(key, indexed);
      return exchange;
    },
    async discardMessages(userId, ids) {
      await store.discardMessages(userId, ids);
      // Log entries apply in the order of their ids, made as they are written: a put still
      // under way is undone by this drop all the same.
      await index.dropMessages(userId, ids).catch(indexing('discarded messages'));
    },
    async finishReply(reply, result) {
      const stored = await store.finishReply(reply, result);
      await indexingExchanges.get(reply._id.toHexString());
      // A reply gone with its conversation stays out of the index too.
      if (stored && result.content) {
        await index.put({ ...reply, role: 'assistant', content: result.content }).catch(indexing('a reply'));
      }
      return stored;
    },
    async deleteConversation(userId, id) {
      const deleted = await store.deleteConversation(userId, id);
      if (deleted) await index.dropConversation(userId, id).catch(indexing('a deleted conversation'));
      return deleted;
    },
  };
}
