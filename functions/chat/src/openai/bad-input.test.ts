// The bad-input matrix of /v1, the one API that answers errors as OpenAI does: each case gets
// its status and `{"error": {message, type, param, code}}`, and changes nothing (no usage
// counted, no slot taken, nothing stored).
import { COLLECTIONS } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, tinyModelName } from '../../test/harness.ts';
import { keyOwner } from '../../test/key-owner.ts';

const database = useTestDatabase();
let chat: ChatHarness;
let key: string;

beforeAll(async () => {
  chat = await chatHarness(database);
  key = (await keyOwner(database)).issued.key;
});

async function snapshot() {
  const all = (name: string) => database.db.collection(name).find({}).sort({ _id: 1 }).toArray();
  return Promise.all(
    [COLLECTIONS.apiKeys, COLLECTIONS.generationSlots, COLLECTIONS.conversations, COLLECTIONS.messages].map(all),
  );
}

const hi = [{ role: 'user', content: 'hi' }];
const valid = () => ({ model: tinyModelName(), messages: hi });

type Case = [name: string, body: unknown, status: number, code: string, param: string | null];

// biome-ignore format: one line per case
const cases: Case[] = [
  ['malformed JSON', '{"model": ', 400, 'malformed_json', null],
  ['a JSON array', '[]', 400, 'invalid_value', null],
  ['no model', { messages: hi }, 400, 'invalid_value', 'model'],
  ['no messages', { model: 'm' }, 400, 'invalid_value', 'messages'],
  ['no message at all', { model: 'm', messages: [] }, 400, 'invalid_value', 'messages'],
  ['an unknown argument', { model: 'm', messages: hi, mirostat: 2 }, 400, 'unknown_parameter', 'mirostat'],
  ['an unknown argument at depth', { model: 'm', messages: [{ role: 'user', content: 'hi', $where: 'x' }] }, 400, 'unknown_parameter', 'messages[0].$where'],
  ['a role that does not exist', { model: 'm', messages: [{ role: 'root', content: 'hi' }] }, 400, 'invalid_value', 'messages[0].role'],
  ['$ne as content', { model: 'm', messages: [{ role: 'user', content: { $ne: '' } }] }, 400, 'invalid_value', 'messages[0].content'],
  ['temperature 3', { model: 'm', messages: hi, temperature: 3 }, 400, 'invalid_value', 'temperature'],
  ['top_p 1.5', { model: 'm', messages: hi, top_p: 1.5 }, 400, 'invalid_value', 'top_p'],
  ['a presence_penalty of 9', { model: 'm', messages: hi, presence_penalty: 9 }, 400, 'invalid_value', 'presence_penalty'],
  ['a fractional seed', { model: 'm', messages: hi, seed: 1.5 }, 400, 'invalid_value', 'seed'],
  ['five stop sequences', { model: 'm', messages: hi, stop: ['a', 'b', 'c', 'd', 'e'] }, 400, 'invalid_value', 'stop'],
  ['max_tokens 0', { model: 'm', messages: hi, max_tokens: 0 }, 400, 'invalid_value', 'max_tokens'],
  ['an unknown response format', { model: 'm', messages: hi, response_format: { type: 'yaml' } }, 400, 'invalid_value', 'response_format.type'],
  ['stream as a string', { model: 'm', messages: hi, stream: 'yes' }, 400, 'invalid_value', 'stream'],
  ['n = 2', { ...valid(), n: 2 }, 400, 'unsupported_parameter', 'n'],
  ['tools', { ...valid(), tools: [{ type: 'function', function: { name: 'f' } }] }, 400, 'unsupported_parameter', 'tools'],
  ['a tool_choice', { ...valid(), tool_choice: 'required' }, 400, 'unsupported_parameter', 'tool_choice'],
  ['a tool message', { ...valid(), messages: [...hi, { role: 'tool', tool_call_id: 'x', content: '1' }] }, 400, 'unsupported_parameter', 'messages[1].role'],
  ['an image', { ...valid(), messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] }, 400, 'unsupported_parameter', 'messages[0].content[0]'],
  ['logprobs', { ...valid(), logprobs: true }, 400, 'unsupported_parameter', 'logprobs'],
  ['a logit_bias', { ...valid(), logit_bias: { '50256': -100 } }, 400, 'unsupported_parameter', 'logit_bias'],
  ['store: true', { ...valid(), store: true }, 400, 'unsupported_parameter', 'store'],
  ['reasoning_effort', { ...valid(), reasoning_effort: 'high' }, 400, 'unsupported_parameter', 'reasoning_effort'],
  ['audio output', { ...valid(), modalities: ['text', 'audio'] }, 400, 'unsupported_parameter', 'modalities'],
  ['a predicted output', { ...valid(), prediction: { type: 'content', content: 'x' } }, 400, 'unsupported_parameter', 'prediction'],
  ['a service tier that does not exist', { ...valid(), service_tier: 'gold' }, 400, 'invalid_value', 'service_tier'],
  ['stream_options without stream', { ...valid(), stream_options: { include_usage: true } }, 400, 'invalid_value', 'stream_options'],
  ['max_tokens and max_completion_tokens that differ', { ...valid(), max_tokens: 5, max_completion_tokens: 6 }, 400, 'invalid_value', 'max_tokens'],
  ['max_completion_tokens above the configured most', { ...valid(), max_completion_tokens: 40_001 }, 400, 'invalid_value', 'max_completion_tokens'],
  ['an assistant message without content', { ...valid(), messages: [...hi, { role: 'assistant' }] }, 400, 'invalid_value', 'messages[1].content'],
  ['an unknown model', { ...valid(), model: 'no-such-model' }, 404, 'model_not_found', 'model'],
  ['a 70 KiB body', { ...valid(), messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }, 413, 'payload_too_large', null],
];

async function send(path: string, init: RequestInit & { headers?: Record<string, string> }) {
  const response = await chat.app.request(path, init);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as { error: Record<string, unknown> },
  };
}

describe('the /v1 bad-input matrix', () => {
  it.each(cases)('%s: status, OpenAI error, nothing changed', async (_name, body, status, code, param) => {
    const before = await snapshot();
    const answer = await send('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(answer.type).toBe('application/json');
    expect({ status: answer.status, code: answer.body.error.code, param: answer.body.error.param }).toEqual({
      status,
      code,
      param,
    });
    expect(answer.body.error).toEqual({ message: expect.any(String), type: expect.any(String), param, code });
    expect(Object.keys(answer.body)).toEqual(['error']);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['no Authorization', {}, 401, 'token_missing'],
    ['a key of the wrong form', { authorization: 'Bearer zc-short' }, 401, 'invalid_api_key'],
    ['a key nobody made', { authorization: `Bearer zc-${'B'.repeat(43)}` }, 401, 'invalid_api_key'],
    [
      'an unsigned token (alg: none)',
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
      401,
      'token_algorithm_invalid',
    ],
    ['Basic instead of Bearer', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'token_malformed'],
  ] as const)('%s: 401 in OpenAI’s shape', async (_name, headers, status, code) => {
    const answer = await send('/v1/models', { headers });
    expect({ status: answer.status, code: answer.body.error.code, type: answer.body.error.type }).toEqual({
      status,
      code,
      type: 'invalid_request_error',
    });
  });

  it('a key outside /v1: not an access token, so no conversation is reached (401 problem+json)', async () => {
    for (const path of ['/chat/conversations', '/chat/models']) {
      const response = await chat.app.request(path, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('an unknown /v1 path: 404 in OpenAI’s shape', async () => {
    const answer = await send('/v1/embeddings', { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
  });

  it('a body that is not JSON: 415 in OpenAI’s shape', async () => {
    const answer = await send('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatchObject({ code: 'unsupported_media_type' });
  });
});
