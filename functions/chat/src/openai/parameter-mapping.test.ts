// What of an OpenAI request reaches Ollama: the request Ollama receives is read off the wire
// (the chat app's fetch to Ollama is observed), and the answer still comes from the real Ollama.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, type TestUser, tinyModelName } from '../../test/harness.ts';

const database = useTestDatabase();
const sent: Array<Record<string, unknown>> = [];
let chat: ChatHarness;
let user: TestUser;

beforeAll(async () => {
  const observed: typeof fetch = async (input, init) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/api/chat') && typeof init?.body === 'string') {
      sent.push(JSON.parse(init.body) as Record<string, unknown>);
    }
    return fetch(input, init);
  };
  chat = await chatHarness(database, { fetch: observed, env: { CHAT_MAX_NUM_PREDICT: '16' } });
  user = await chat.user();
});

/** Sends a completion (4 tokens unless said otherwise) and answers what Ollama was asked. */
async function reaching(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const before = sent.length;
  const response = await user.call('POST', '/v1/chat/completions', {
    model: tinyModelName(),
    messages: [{ role: 'user', content: 'hi' }],
    max_completion_tokens: 4,
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(sent.length).toBe(before + 1);
  return sent.at(-1) as Record<string, unknown>;
}

describe('what reaches Ollama', () => {
  it('sampling: temperature, top_p, seed, stop (a string or a list), both penalties', async () => {
    const request = await reaching({
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      stop: '\n\n',
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(request.options).toEqual({
      num_predict: 4,
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      stop: ['\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect((await reaching({ stop: ['END', 'STOP'] })).options).toMatchObject({ stop: ['END', 'STOP'] });
  });

  it('response_format: json_object as format "json", a json_schema as its schema, text as nothing', async () => {
    expect((await reaching({ response_format: { type: 'json_object' } })).format).toBe('json');
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(
      (await reaching({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } })).format,
    ).toEqual(schema);
    expect((await reaching({ response_format: { type: 'text' } })).format).toBeUndefined();
  });

  it('the token limit: max_completion_tokens or max_tokens, else the configured most', async () => {
    expect((await reaching({ max_completion_tokens: undefined, max_tokens: 3 })).options).toEqual({ num_predict: 3 });
    expect((await reaching({ max_completion_tokens: null })).options).toEqual({ num_predict: 16 });
  });

  it('messages: developer as system, text parts joined, names and ignored fields left out', async () => {
    const request = await reaching({
      messages: [
        { role: 'developer', content: 'Be terse.' },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
        { role: 'assistant', content: 'ok', refusal: null },
        { role: 'user', content: 'three' },
      ],
      user: 'someone',
      metadata: { app: 'test' },
      store: false,
      n: 1,
      tools: [],
      logprobs: false,
      service_tier: 'auto',
      prompt_cache_key: 'k',
      modalities: ['text'],
    });
    expect(request).toEqual({
      model: tinyModelName(),
      stream: true,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'one\ntwo' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'three' },
      ],
      options: { num_predict: 4 },
    });
  });
});
