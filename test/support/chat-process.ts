import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { functionBundle } from './bundles.ts';
import { type FunctionProcess, startFunctionProcess } from './function-process.ts';
import { type ApiClient, apiClient } from './http-client.ts';
import {
  liveTestSession,
  signAccessToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestSigningKey,
  testSigningKey,
} from './keys.ts';
import { type OwnOllama, useOwnOllama } from './own-ollama.ts';
import { type TestDatabase, testServices, useTestDatabase } from './test-services.ts';

export interface ChatProcess {
  process: FunctionProcess;
  client: ApiClient;
  /** A new user id (or `id`) with a valid access token, signed by the key the process trusts. */
  user(id?: string): Promise<{ id: string; token: string }>;
}

/**
 * The chat function's production bundle in a process of its own, with the tiny model as its
 * default model and a key set of the test's; `env` overrides (another MongoDB or Ollama, limits).
 */
export async function startChatProcess(options: {
  mongoUri: string;
  dbName: string;
  env?: Record<string, string>;
  /** The key its tokens are signed with; another process's, for instances that share users. */
  key?: TestSigningKey;
}): Promise<ChatProcess & { key: TestSigningKey }> {
  const key = options.key ?? (await testSigningKey());
  const { ollamaHost, tinyModel } = testServices();
  const client = new MongoClient(options.mongoUri);
  try {
    await liveTestSession(client.db(options.dbName));
  } finally {
    await client.close();
  }
  const process = await startFunctionProcess(await functionBundle('chat'), {
    MONGODB_URI: options.mongoUri,
    MONGODB_DB: options.dbName,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: [key.publicJwk] }),
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    OLLAMA_HOST: ollamaHost,
    ZEROCHAT_MODEL: tinyModel,
    // The tiny model never ends a reply by itself: long replies need a high ceiling.
    CHAT_MAX_NUM_PREDICT: '40000',
    // Titles by the model add an event after message.done and a generation to Ollama's queue.
    CHAT_TITLES: 'false',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  return {
    process,
    client: apiClient(process.baseUrl),
    key,
    async user(id = new ObjectId().toHexString()) {
      return { id, token: await signAccessToken(key, { claims: { sub: id } }) };
    },
  };
}

/**
 * For tests that load Ollama heavily or break it: a database, an Ollama (generating four
 * replies side by side) and a chat process on both, all the calling file's own. Call at the
 * top level of the file; the process is stopped when the file is done.
 */
export function useChatOnOwnOllama(env: Record<string, string> = {}): {
  database: TestDatabase;
  ollama: OwnOllama;
  readonly chat: ChatProcess;
} {
  const database = useTestDatabase();
  const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '4' });
  let chat: ChatProcess | undefined;
  beforeAll(async () => {
    chat = await startChatProcess({
      mongoUri: database.uri,
      dbName: database.name,
      env: { OLLAMA_HOST: ollama.server.host, ...env },
    });
  });
  afterAll(() => chat?.process.stop());
  return {
    database,
    ollama,
    get chat() {
      if (!chat) throw new Error('useChatOnOwnOllama: the process starts in beforeAll');
      return chat;
    },
  };
}
