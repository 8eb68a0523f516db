import { createFunctionApp, type FunctionApp, type Lifecycle, type Logger } from '@zerochat/runtime';
import packageJson from '../package.json' with { type: 'json' };
import type { ChatConfig } from './config.ts';

export interface ChatDeps {
  config: Pick<ChatConfig, 'BODY_LIMIT_BYTES'>;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { ping(): Promise<void> };
}

/** The chat function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: ChatDeps): FunctionApp {
  return createFunctionApp({
    name: 'chat',
    api: {
      title: 'zerochat chat',
      version: packageJson.version,
      description: 'Conversations and replies streamed from Ollama.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    readiness: { mongodb: () => deps.mongo.ping() },
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
  });
}
