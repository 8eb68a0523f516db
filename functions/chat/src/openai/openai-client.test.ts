// The OpenAI-compatible API as the official `openai` npm client sees it, pointed at zerochat's
// base URL, against the test run's FerretDB and Ollama (the tiny model, which never stops by
// itself: every reply here ends at its token limit).
import { type ApiKeyDocument, COLLECTIONS, type UserDocument } from '@zerochat/data';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, tinyModelName, waitFor } from '../../test/harness.ts';
import { apiKeyStore, keyOwner as newKeyOwner } from '../../test/key-owner.ts';
import { ChatCompletionSchema } from './api-schemas.ts';

const database = useTestDatabase();
let chat: ChatHarness;
let baseURL: string;
const keyDocuments = () => database.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys);
const keys = () => apiKeyStore(database);

beforeAll(async () => {
  chat = await chatHarness(database);
  baseURL = `${await chat.serve()}/v1`;
});

/** A user with an account, a key and a client for it; `expiresAt` in the past makes an expired key. */
async function keyOwner(expiresAt: Date | null = null) {
  const owner = await newKeyOwner(database, expiresAt);
  // No retries: a test must see each answer as it was given.
  return { ...owner, client: new OpenAI({ apiKey: owner.issued.key, baseURL, maxRetries: 0 }) };
}

const ask = (client: OpenAI, tokens = 4) =>
  client.chat.completions.create({
    model: tinyModelName(),
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_completion_tokens: tokens,
  });

describe('the openai client at /v1', () => {
  it('lists the models the user may use, and retrieves one', async () => {
    const { client } = await keyOwner();
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models).toContainEqual({
      id: tinyModelName(),
      object: 'model',
      created: expect.any(Number),
      owned_by: 'zerochat',
    });
    expect(await client.models.retrieve(tinyModelName())).toMatchObject({ id: tinyModelName(), object: 'model' });
  });

  it('gets a completion, with its finish reason and usage, counted on the key', async () => {
    const { client, issued } = await keyOwner();
    const completion = await ask(client, 5);
    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: tinyModelName(),
      choices: [{ index: 0, message: { role: 'assistant', content: expect.any(String) }, finish_reason: 'length' }],
      usage: { completion_tokens: 5, prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    // As the OpenAPI document describes it.
    expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + 5);

    await waitFor(async () => (await keyDocuments().findOne({ _id: issued.document._id }))?.usage.requests === 1);
    const stored = await keyDocuments().findOne({ _id: issued.document._id });
    expect(stored?.usage).toEqual({
      requests: 1,
      promptTokens: completion.usage?.prompt_tokens,
      completionTokens: 5,
    });
    expect(stored?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('streams a completion through the SDK’s iterator, with the usage last', async () => {
    const { client } = await keyOwner();
    const stream = await client.chat.completions.create({
      model: tinyModelName(),
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Count to ten.' },
      ],
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    const finished = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
    expect(finished.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual(['length']);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ completion_tokens: 12 });
    // Every chunk before the last says it carries no usage.
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('also takes an access token instead of a key', async () => {
    const user = await chat.user();
    const client = new OpenAI({ apiKey: user.token, baseURL, maxRetries: 0 });
    expect((await ask(client)).choices[0]?.finish_reason).toBe('length');
  });
});

describe('credentials the client is refused with', () => {
  it('a key nobody made: AuthenticationError, 401 invalid_api_key', async () => {
    const client = new OpenAI({ apiKey: `zc-${'A'.repeat(43)}`, baseURL, maxRetries: 0 });
    const error = await ask(client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it('a revoked key, within 5 s of the revocation, after it worked', async () => {
    const { client, user, issued } = await keyOwner();
    await ask(client);
    expect(await keys().revoke(user._id, issued.document._id)).toBe(true);
    const revokedAt = Date.now();
    await waitFor(
      async () => (await ask(client).catch((caught: unknown) => caught)) instanceof OpenAI.AuthenticationError,
      5000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(5000);
  });

  it('an expired key: AuthenticationError, 401 api_key_expired', async () => {
    const { client } = await keyOwner(new Date(Date.now() - 1000));
    const error = await client.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'api_key_expired' });
  });

  it('the key of a user an admin disabled: PermissionDeniedError within seconds', async () => {
    const { client, user } = await keyOwner();
    await ask(client);
    await database.db
      .collection<UserDocument>(COLLECTIONS.users)
      .updateOne({ _id: user._id }, { $set: { disabled: true } });
    await waitFor(
      async () => (await ask(client).catch((caught: unknown) => caught)) instanceof OpenAI.PermissionDeniedError,
      5000,
    );
    const error = await ask(client).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 403, code: 'account_disabled' });
  });
});

describe('requests the client is refused', () => {
  it('an unknown model: NotFoundError, 404 model_not_found', async () => {
    const { client } = await keyOwner();
    const error = await client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const retrieved = await client.models.retrieve('no-such-model').catch((caught: unknown) => caught);
    expect(retrieved).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('a bad parameter: BadRequestError, 400 naming it, and no usage counted', async () => {
    const { client, issued } = await keyOwner();
    const error = await client.chat.completions
      .create({ model: tinyModelName(), messages: [{ role: 'user', content: 'hi' }], temperature: 3 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'temperature',
      code: 'invalid_value',
      type: 'invalid_request_error',
    });
    expect((await keyDocuments().findOne({ _id: issued.document._id }))?.usage.requests).toBe(0);
  });
});
