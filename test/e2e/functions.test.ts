// The journey across the functions as they run in a cluster: each its production bundle in a
// process of its own, sharing only MongoDB, Ollama and the key set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicJwk } from '../../functions/auth/src/signing-keys.ts';
import { testSigningKeys } from '../../functions/auth/src/testing/auth-settings.ts';
import { functionBundle } from '../support/bundles.ts';
import { type FunctionProcess, startFunctionProcess } from '../support/function-process.ts';
import { apiClient } from '../support/http-client.ts';
import { testServices, useTestDatabase } from '../support/test-services.ts';
import { walkJourney } from './journey.ts';

const database = useTestDatabase();
const processes: FunctionProcess[] = [];

async function startFunctions() {
  const keys = await testSigningKeys();
  const { ollamaHost, tinyModel } = testServices();
  const common = {
    MONGODB_URI: database.uri,
    MONGODB_DB: database.name,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: keys.keys.map(publicJwk) }),
  };
  const [auth, chat] = await Promise.all([
    startFunctionProcess(await functionBundle('auth'), { ...common, AUTH_SIGNING_KEYS: JSON.stringify(keys) }),
    startFunctionProcess(await functionBundle('chat'), {
      ...common,
      OLLAMA_HOST: ollamaHost,
      ZEROCHAT_MODEL: tinyModel,
    }),
  ]);
  processes.push(auth, chat);
  return { auth, chat };
}

afterAll(async () => {
  for (const process of processes) await process.stop('SIGTERM');
});

describe('the functions as separate processes', () => {
  let functions: Awaited<ReturnType<typeof startFunctions>>;
  beforeAll(async () => {
    functions = await startFunctions();
  });

  it('carry a user from registration to logout', async () => {
    await walkJourney({ auth: apiClient(functions.auth.baseUrl), chat: apiClient(functions.chat.baseUrl) });
  });

  it('each exit 0 on SIGTERM', async () => {
    for (const process of processes.splice(0)) expect(await process.stop('SIGTERM')).toBe(0);
  });
});
