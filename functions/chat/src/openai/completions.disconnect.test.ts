// An OpenAI client cannot resume a completion, so one that goes away must stop the generation in
// Ollama itself. Proof by Ollama's model runner, as for /chat replies: it uses a core while it
// generates and none once it has stopped; this file's Ollama runs one generation at a time
// (OLLAMA_NUM_PARALLEL=1), so while one runs, another request waits. 40,000 tokens take the
// tiny model several seconds; the time limits below follow the pace this file measures.
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS } from '@zerochat/data';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { ollamaMsPerToken } from '../../../../test/support/ollama-pace.ts';
import { askOllamaDirectly, useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { chatHarness, tinyModelName, waitFor } from '../../test/harness.ts';

const database = useTestDatabase();
const ollama = useOwnOllama({ OLLAMA_NUM_PARALLEL: '1' });
const LONG = 40_000;
let client: OpenAI;
/** How long this file's Ollama takes per token, measured before the tests. */
let msPerToken: number;

beforeAll(async () => {
  const chat = await chatHarness(database, {
    ollamaHost: ollama.server.host,
    env: { CHAT_MAX_CONCURRENT_PER_USER: '1' },
  });
  const baseURL = `${await chat.serve()}/v1`;
  client = new OpenAI({ apiKey: (await chat.user()).token, baseURL, maxRetries: 0 });
  msPerToken = await ollamaMsPerToken(ollama.server.host);
});

const askOllama = (tokens: number, signal?: AbortSignal) => askOllamaDirectly(ollama.server.host, tokens, signal);

/**
 * A quarter of the time the whole long completion takes at the measured pace: had the aborted
 * generation gone on, it would hold Ollama longer, so an answer within it proves it stopped.
 */
const freedWithinMs = () => (LONG * msPerToken) / 4;

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

    // Control: while the completion is generated, the runner works and Ollama cannot answer anyone else.
    expect(await ollama.generating()).toBe(true);
    await expect(askOllama(8, AbortSignal.timeout(1500))).rejects.toThrow();

    stream.controller.abort();
    // The generation has really stopped, not just the forwarding.
    await ollama.generationStopped(freedWithinMs());
    await waitFor(async () => (await slotsTaken()) === 0, freedWithinMs());
  });

  it('while waiting for a whole completion stops the generation too', async () => {
    const abort = new AbortController();
    const pending = client.chat.completions.create(long, { signal: abort.signal }).catch((error: unknown) => error);
    await waitFor(async () => (await slotsTaken()) === 1);
    await sleep(500);
    abort.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await ollama.generationStopped(freedWithinMs());
    await waitFor(async () => (await slotsTaken()) === 0, freedWithinMs());
    await ollama.recover();
    // The slot (the limit is 1) is free for the next completion.
    const next = await client.chat.completions.create({ ...long, max_tokens: 3 });
    expect(next.choices[0]?.finish_reason).toBe('length');
  });
});
