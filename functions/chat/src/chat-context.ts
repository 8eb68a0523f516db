import { COLLECTIONS, type GenerationSlotDocument } from '@zerochat/data';
import type { Lifecycle, Logger, MetricsRegistry } from '@zerochat/runtime';
import type { Db } from 'mongodb';
import { type ChatStore, createChatStore } from './chat-store.ts';
import type { ChatSettings } from './config.ts';
import { createGenerationSlots, type GenerationSlots } from './generation-slots.ts';
import { createModelCatalog, type ModelCatalog } from './model-catalog.ts';
import type { ModelServer } from './model-server.ts';
import type { LiveReplies } from './reply/live-replies.ts';
import { createReplyMetrics, type ReplyMetrics } from './reply-metrics.ts';

/** What the chat routes and replies work with. */
export interface ChatContext {
  settings: ChatSettings;
  store: ChatStore;
  slots: GenerationSlots;
  models: ModelServer;
  catalog: ModelCatalog;
  lifecycle: Lifecycle;
  metrics: ReplyMetrics;
  /** The replies this instance is generating, for stop and resume requests. */
  live: LiveReplies;
  now: () => Date;
}

export interface ChatContextDeps {
  settings: ChatSettings;
  db: Db;
  models: ModelServer;
  lifecycle: Lifecycle;
  log: Logger;
  metrics: MetricsRegistry;
  now: () => Date;
}

/** Builds the chat's parts from its dependencies; createApp and the reply's tests use it. */
export function createChatContext(deps: ChatContextDeps): ChatContext {
  return {
    settings: deps.settings,
    store: createChatStore(deps.db, deps.now),
    slots: createGenerationSlots({
      collection: deps.db.collection<GenerationSlotDocument>(COLLECTIONS.generationSlots),
      limit: deps.settings.CHAT_MAX_CONCURRENT_PER_USER,
      now: deps.now,
      log: deps.log,
    }),
    models: deps.models,
    catalog: createModelCatalog({
      models: deps.models,
      defaultModel: deps.settings.ZEROCHAT_MODEL,
      allowList: deps.settings.CHAT_MODELS,
    }),
    lifecycle: deps.lifecycle,
    metrics: createReplyMetrics(deps.metrics),
    live: new Map(),
    now: deps.now,
  };
}
