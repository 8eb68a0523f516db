import type { Lifecycle } from '@zerochat/runtime';
import type { ChatStore } from './chat-store.ts';
import type { ChatSettings } from './config.ts';
import type { ConversationList } from './conversation-list.ts';
import type { GenerationSlots } from './generation-slots.ts';
import type { ModelCatalog } from './model-catalog.ts';
import type { ModelServer } from './model-server.ts';
import type { ReplyMetrics } from './reply-metrics.ts';
import type { SearchIndex } from './search/search-index.ts';
import type { UserSettings } from './user-settings.ts';

/** What the chat routes work with; createApp builds it from the injected dependencies. */
export interface ChatContext {
  settings: ChatSettings;
  store: ChatStore;
  /** The conversation list's filters and order, pins and the archive. */
  list: ConversationList;
  search: SearchIndex;
  /** Each user's defaults for new conversations and replies. */
  userSettings: UserSettings;
  slots: GenerationSlots;
  models: ModelServer;
  catalog: ModelCatalog;
  lifecycle: Lifecycle;
  metrics: ReplyMetrics;
  now: () => Date;
}
