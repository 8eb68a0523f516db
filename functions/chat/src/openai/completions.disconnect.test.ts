// An OpenAI client cannot resume a completion, so one that goes away must stop the generation in
// Ollama itself. Proof by Ollama's own queue, as for /chat replies: this file's Ollama runs one
// generation at a time (OLLAMA_NUM_PARALLEL=1), so another request is answered only once the
// aborted generation has ended. 40,000 tokens take the tiny model about a minute here.
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS } from '@zerochat/data';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { askOllamaDirectly, useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { chatHarness, tinyModelName, waitFor } from '../../test/harness.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '1' });
const LONG = 40_000;
let client: OpenAI;

beforeAll(async () => {
  const chat = await chatHarness(database, {
    ollamaHost: ollama.server.host,
    env: { CHAT_MAX_CONCURRENT_PER_USER: '1' },
  });
  const baseURL = `${await chat.serve()}/v1`;
  client = new OpenAI({ apiKey: (await chat.user()).token, baseURL, maxRetries: 0 });
  await askOllama(4); // Loads the model, so the timings below measure generation only.
});

const askOllama = (tokens: number, signal?: AbortSignal) => askOllamaDirectly(ollama.server.host, tokens, signal);

/**
 * Far below the minute the aborted generation would still hold Ollama, and far above what a
 * short answer takes on a loaded machine: an answer within it proves the generation stopped.
 */
const FREED_WITHIN_MS = 20_000;

const slotsTaken = () => database.db.collection(COLLECTIONS.generationSlots).countDocuments();
const long = {
  model: tinyModelName(),
  messages: [{ role: 'user' as const, content: 'tell me everything' }],
  max_tokens: LONG,
};

describe('an OpenAI client that goes away', () => {
  it('mid-stream (the SDK’s abort) stops the generation in Ollama and frees the slot', async () => {
    const stream = await client.chat.completions.create({ ...long, stream: true });
    const chunks = stream[Symbol.asyncIterator]();
    for (let read = 0; read < 20; read++) expect((await chunks.next()).done).toBe(false);

    // Control: while the completion is generated, Ollama cannot answer anyone else.
    await expect(askOllama(8, AbortSignal.timeout(1500))).rejects.toThrow();

    stream.controller.abort();
    // Ollama is free again: the generation has really stopped, not just the forwarding.
    expect(await askOllama(8)).toBeLessThan(FREED_WITHIN_MS);
    await waitFor(async () => (await slotsTaken()) === 0, 2000);
  });

  it('while waiting for a whole completion stops the generation too', async () => {
    const abort = new AbortController();
    const pending = client.chat.completions.create(long, { signal: abort.signal }).catch((error: unknown) => error);
    await waitFor(async () => (await slotsTaken()) === 1);
    await sleep(500);
    abort.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(await askOllama(8)).toBeLessThan(FREED_WITHIN_MS);
    await waitFor(async () => (await slotsTaken()) === 0, 2000);
    // The slot (the limit is 1) is free for the next completion.
    const next = await client.chat.completions.create({ ...long, max_tokens: 3 });
    expect(next.choices[0]?.finish_reason).toBe('length');
  });
});
