import type { Lifecycle } from '@zerochat/runtime';
import type { ChatStore } from './chat-store.ts';
import type { ChatSettings } from './config.ts';
import type { GenerationSlots } from './generation-slots.ts';
import type { ModelCatalog } from './model-catalog.ts';
import type { ModelServer } from './model-server.ts';
import type { ReplyMetrics } from './reply-metrics.ts';

/** What the chat routes work with; createApp builds it from the injected dependencies. */
export interface ChatContext {
  settings: ChatSettings;
  store: ChatStore;
  slots: GenerationSlots;
  models: ModelServer;
  catalog: ModelCatalog;
  lifecycle: Lifecycle;
  metrics: ReplyMetrics;
  now: () => Date;
}
