import { afterAll, beforeAll } from 'vitest';
import { type ChatProcess, startChatProcess } from './chat-process.ts';
import { testSigningKey } from './keys.ts';
import type { OwnOllama } from './own-ollama.ts';
import type { TestDatabase } from './test-services.ts';

export interface ChatInstances {
  /** The instance the tests have generate replies. */
  readonly generating: ChatProcess;
  /** Another instance, where a stop or a reconnect may land instead. */
  readonly other: ChatProcess;
  /** A user of both: they trust the same key. */
  readonly user: { id: string; token: string };
  /** A new conversation of the user's, made through `other`; resolves with its id. */
  conversation(): Promise<string>;
}

/**
 * Two chat processes (production bundles) on one database and one Ollama, as two Knative pods
 * of one revision; `env` adds to their environment. Call at the top level of the file, after
 * the database and the Ollama; both are stopped (by pid) when the file is done.
 */
export function useChatInstances(
  database: TestDatabase,
  ollama: OwnOllama,
  env: Record<string, string> = {},
): ChatInstances {
  let instances: { generating: ChatProcess; other: ChatProcess; user: { id: string; token: string } } | undefined;
  beforeAll(async () => {
    const key = await testSigningKey();
    const start = () =>
      startChatProcess({
        mongoUri: database.uri,
        dbName: database.name,
        key,
        env: { OLLAMA_HOST: ollama.server.host, ...env },
      });
    const [generating, other] = await Promise.all([start(), start()]);
    instances = { generating, other, user: await generating.user() };
  });
  afterAll(async () => {
    await Promise.all([instances?.generating.process.stop(), instances?.other.process.stop()]);
  });
  const started = () => {
    if (!instances) throw new Error('useChatInstances: the instances start in beforeAll');
    return instances;
  };
  return {
    get generating() {
      return started().generating;
    },
    get other() {
      return started().other;
    },
    get user() {
      return started().user;
    },
    async conversation() {
      const { other, user } = started();
      const { body } = await other.client.json<{ id: string }>('POST', '/chat/conversations', {
        token: user.token,
        body: {},
      });
      return body.id;
    },
  };
}
