import { type ApiKeyDocument, COLLECTIONS } from '@zerochat/data';
import type { FunctionApp, Logger, VerifyAccessToken } from '@zerochat/runtime';
import type { Db } from 'mongodb';
import type { ChatContext } from '../chat-context.ts';
import { createApiKeyCheck } from './api-key-check.ts';
import { addCompletionRoute } from './completions-route.ts';
import { requireApiCredential } from './credentials.ts';
import { createKeyUsage } from './key-usage.ts';
import { addOpenAiModelRoutes } from './models-routes.ts';

export { openAiErrorResponse } from './openai-errors.ts';

/** Where /v1 answers errors in OpenAI's shape instead of problem+json. */
export const OPENAI_PATH_PREFIX = '/v1/';

/**
 * The OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`), for an API key or an
 * access token. It runs on chat's Ollama client, model allow-list and generation slots, and
 * stores no conversation.
 */
export function addOpenAiRoutes(
  app: FunctionApp,
  chat: ChatContext,
  deps: { db: Db; verifyAccessToken: VerifyAccessToken; sessionCacheMs: number; log: Logger },
): void {
  const checkApiKey = createApiKeyCheck({ db: deps.db, cacheMs: deps.sessionCacheMs, now: chat.now });
  const usage = createKeyUsage({
    collection: deps.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys),
    now: chat.now,
    log: deps.log,
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key ("zc-…") from POST /auth/api-keys; /v1 only.',
  });
  app.use(`${OPENAI_PATH_PREFIX}*`, requireApiCredential(deps.verifyAccessToken, checkApiKey));
  addOpenAiModelRoutes(app, chat, usage);
  addCompletionRoute(app, chat, usage);
}
