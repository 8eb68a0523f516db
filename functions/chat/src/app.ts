import {
  type AccessTokenConfig,
  configuredVerifier,
  createFunctionApp,
  type FunctionApp,
  type Lifecycle,
  type Logger,
  MetricsRegistry,
  requireAccessToken,
  type SessionCheck,
} from '@zerochat/runtime';
import type { Db } from 'mongodb';
import packageJson from '../package.json' with { type: 'json' };
import { createChatContext } from './chat-context.ts';
import type { ChatConfig, ChatSettings } from './config.ts';
import type { ModelServer } from './model-server.ts';
import { addOpenAiRoutes, OPENAI_PATH_PREFIX, openAiErrorResponse } from './openai/index.ts';
import { addConversationRoutes } from './routes/conversations.ts';
import { addMessageRoutes } from './routes/messages.ts';
import { addModelRoutes } from './routes/models.ts';
import { addReplyRoutes } from './routes/replies.ts';
import { addTransferRoutes, IMPORT_PATH } from './routes/transfer.ts';
import { addUserSettingsRoutes } from './routes/user-settings.ts';

/** Where the access tokens' keys come from, and who must have issued them for whom. */
type AccessTokenSettings = Pick<ChatConfig, keyof AccessTokenConfig>;

export interface ChatDeps {
  config: ChatSettings & AccessTokenSettings;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { db: Db; ping(): Promise<void> };
  /** Ollama, through the `ollama` client (see createModelServer). */
  models: ModelServer;
  now?: () => Date;
  /** Whether an access token's session is live; the session store through a short cache by default. */
  sessions?: SessionCheck;
}

/** The chat function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: ChatDeps): FunctionApp {
  const now = deps.now ?? (() => new Date());
  const metrics = new MetricsRegistry();
  const app = createFunctionApp({
    name: 'chat',
    api: {
      title: 'zerochat chat',
      version: packageJson.version,
      description: 'Conversations and replies streamed from Ollama.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    // MongoDB only: a cold or busy Ollama must not take the function out of rotation;
    // GET /chat/models shows Ollama's state instead.
    readiness: { mongodb: () => deps.mongo.ping() },
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    bodyLimitsByPath: { [IMPORT_PATH]: deps.config.CHAT_IMPORT_MAX_BYTES },
    metrics,
    // The OpenAI-compatible API answers errors as OpenAI does, so that its clients understand them.
    answerError: (error, c) =>
      c.req.path.startsWith(OPENAI_PATH_PREFIX)
        ? openAiErrorResponse(error, c.get('requestId') ?? 'unknown')
        : undefined,
  });

  const chat = createChatContext({
    settings: deps.config,
    db: deps.mongo.db,
    models: deps.models,
    lifecycle: deps.lifecycle,
    log: deps.log,
    metrics,
    now,
  });

  // Every API route needs a valid access token (/v1 an API key or one); the API docs stay public.
  const verifyAccessToken = configuredVerifier(deps.config, {
    db: deps.mongo.db,
    now,
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
  });
  const authenticated = requireAccessToken(verifyAccessToken);
  app.use('/chat/models', authenticated);
  app.use('/chat/conversations/*', authenticated);
  app.use('/chat/settings', authenticated);
  app.use('/chat/export', authenticated);
  app.use(IMPORT_PATH, authenticated);

  addModelRoutes(app, chat);
  addConversationRoutes(app, chat);
  addMessageRoutes(app, chat);
  addOpenAiRoutes(app, chat, {
    db: deps.mongo.db,
    verifyAccessToken,
    sessionCacheMs: deps.config.AUTH_SESSION_CACHE_MS,
    log: deps.log,
  });
  addReplyRoutes(app, chat);
  addUserSettingsRoutes(app, chat);
  addTransferRoutes(app, chat, { db: deps.mongo.db, log: deps.log });
  return app;
}
