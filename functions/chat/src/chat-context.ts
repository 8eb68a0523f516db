import { COLLECTIONS, type GenerationSlotDocument } from '@zerochat/data';
import type { Lifecycle, Logger, MetricsRegistry } from '@zerochat/runtime';
import type { Db } from 'mongodb';
import { type ChatStore, createChatStore } from './chat-store.ts';
import type { ChatSettings } from './config.ts';
import { type ConversationList, createConversationList } from './conversation-list.ts';
import { createGenerationSlots, type GenerationSlots } from './generation-slots.ts';
import { createModelCatalog, type ModelCatalog } from './model-catalog.ts';
import type { ModelServer } from './model-server.ts';
import { type BranchEndGuesses, createBranchEndGuesses } from './reply/branch-end-guesses.ts';
import type { LiveReplies } from './reply/live-replies.ts';
import { createReplyMetrics, type ReplyMetrics } from './reply-metrics.ts';
import { withSearchIndex } from './search/indexed-store.ts';
import { createSearchIndex, type SearchIndex } from './search/search-index.ts';
import { createUserSettings, type UserSettings } from './user-settings.ts';

/** What the chat routes and replies work with. */
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
  /** The replies this instance is generating, for stop and resume requests. */
  live: LiveReplies;
  /** Where each conversation's branch ended after this instance's last reply in it. */
  branchEnds: BranchEndGuesses;
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
  const search = createSearchIndex({ db: deps.db, lifecycle: deps.lifecycle, log: deps.log, now: deps.now });
  return {
    settings: deps.settings,
    store: withSearchIndex(createChatStore(deps.db, deps.now), search, deps.log),
    list: createConversationList(deps.db),
    search,
    userSettings: createUserSettings(deps.db, deps.settings, deps.now),
    slots: createGenerationSlots({
      collection: deps.db.collection<GenerationSlotDocument>(COLLECTIONS.generationSlots),
      limit: deps.settings.CHAT_MAX_CONCURRENT_PER_USER,
      leaseMs: deps.settings.CHAT_GENERATION_LEASE_MS,
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
    branchEnds: createBranchEndGuesses(),
    now: deps.now,
  };
}
