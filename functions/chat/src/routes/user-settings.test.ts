import { COLLECTIONS, type UserSettingsDocument } from '@zerochat/data';
import { registerTinyModel } from '@zerochat/local-services';
import { beforeAll, describe, expect, it } from 'vitest';
import { testServices, useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, problemOf, type TestUser, tinyModelName } from '../../test/harness.ts';

const database = useTestDatabase();
let chat: ChatHarness;
beforeAll(async () => {
  chat = await chatHarness(database, { env: { CHAT_MAX_NUM_PREDICT: '64' } });
});

const settingsOf = async (user: TestUser) =>
  (await (await user.call('GET', '/chat/settings')).json()) as { model: string | null; options: object };
const storedSettings = () => database.db.collection<UserSettingsDocument>(COLLECTIONS.userSettings);

async function put(user: TestUser, body: object) {
  const response = await user.call('PUT', '/chat/settings', body);
  expect(response.status).toBe(200);
  return response.json();
}

/** Sends a message as one JSON body and answers with the completion tokens of its reply. */
async function replyTokens(user: TestUser, conversation: string, options?: object): Promise<number> {
  const response = await user.call('POST', `/chat/conversations/${conversation}/messages`, {
    content: 'Hello there',
    stream: false,
    ...(options ? { options } : {}),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { usage: { completionTokens: number } }).usage.completionTokens;
}

describe('per-user defaults', () => {
  it('are empty until set, are the user’s own, and read back as stored', async () => {
    const [user, other] = [await chat.user(), await chat.user()];
    expect(await settingsOf(user)).toEqual({ model: null, systemPrompt: null, options: {}, updatedAt: null });
    const stored = await put(user, {
      model: testServices().tinyModel,
      systemPrompt: 'Answer in haiku.',
      options: {
        temperature: 0.2,
        top_k: 20,
        min_p: 0.05,
        repeat_penalty: 1.2,
        stop: ['###', 'User:'],
        num_predict: 8,
      },
    });
    expect(stored).toMatchObject({ model: tinyModelName(), systemPrompt: 'Answer in haiku.' });
    expect(await settingsOf(user)).toEqual(stored);
    expect(await settingsOf(other)).toMatchObject({ model: null, options: {} });
    // A PUT replaces the whole: what it leaves out is reset.
    expect(await put(user, { options: { top_p: 0.5 } })).toMatchObject({
      model: null,
      systemPrompt: null,
      options: { top_p: 0.5 },
    });
  });

  it('give new conversations their model and system prompt, unless the conversation sets its own', async () => {
    const user = await chat.user();
    const alias = `zerochat-settings-${process.pid}`;
    await registerTinyModel(testServices().ollamaHost, alias);
    await put(user, { model: alias, systemPrompt: 'Be brief.' });
    const created = await (await user.call('POST', '/chat/conversations', {})).json();
    expect(created).toMatchObject({ model: `${alias}:latest`, systemPrompt: 'Be brief.' });
    const own = await (
      await user.call('POST', '/chat/conversations', { model: testServices().tinyModel, systemPrompt: '' })
    ).json();
    expect(own).toMatchObject({ model: tinyModelName(), systemPrompt: null });

    // A default model removed from Ollama since: the server's default stands in.
    await fetch(`${testServices().ollamaHost}/api/delete`, {
      method: 'DELETE',
      body: JSON.stringify({ model: alias }),
    });
    const later = await (await user.call('POST', '/chat/conversations', {})).json();
    expect(later).toMatchObject({ model: tinyModelName(), systemPrompt: 'Be brief.' });
  });

  it('give replies their options, under a message’s own', async () => {
    const user = await chat.user();
    const conversation = await user.newConversation();
    // The tiny model never ends a reply by itself, so its length is exactly num_predict.
    expect(await replyTokens(user, conversation)).toBe(64);
    await put(user, { options: { num_predict: 3, seed: 7 } });
    expect(await replyTokens(user, conversation)).toBe(3);
    expect(await replyTokens(user, conversation, { num_predict: 5 })).toBe(5);
  });

  it('leave out a stored option that today’s bounds no longer allow', async () => {
    const user = await chat.user();
    await storedSettings().insertOne({
      _id: user.id,
      model: null,
      systemPrompt: null,
      // Stored when CHAT_MAX_NUM_PREDICT was higher.
      options: { num_predict: 10_000, temperature: 0.3 },
      updatedAt: new Date(),
    });
    expect((await settingsOf(user)).options).toEqual({ temperature: 0.3 });
  });
});

describe('bad input to the defaults', () => {
  it.each([
    ['top_k of 0', { options: { top_k: 0 } }],
    ['a fractional top_k', { options: { top_k: 2.5 } }],
    ['repeat_penalty over 2', { options: { repeat_penalty: 3 } }],
    ['min_p over 1', { options: { min_p: 1.5 } }],
    ['num_predict over the server’s bound', { options: { num_predict: 65 } }],
    ['nine stop sequences', { options: { stop: Array.from({ length: 9 }, (_, i) => `s${i}`) } }],
    ['an empty stop sequence', { options: { stop: [''] } }],
    ['stop as a string', { options: { stop: '###' } }],
    ['an option Ollama has but zerochat does not expose', { options: { mirostat: 2 } }],
    ['an unknown field', { theme: 'dark' }],
    ['$set as the system prompt', { systemPrompt: { $set: { role: 'admin' } } }],
    ['an empty model name', { model: '' }],
  ])('refuses %s with 400 validation_failed and stores nothing', async (_name, body) => {
    const user = await chat.user();
    expect(await problemOf(await user.call('PUT', '/chat/settings', body))).toEqual({
      status: 400,
      code: 'validation_failed',
    });
    expect(await storedSettings().countDocuments({ _id: user.id })).toBe(0);
  });

  it('refuses a model Ollama does not have with 404 model_not_found and stores nothing', async () => {
    const user = await chat.user();
    expect(await problemOf(await user.call('PUT', '/chat/settings', { model: 'no-such-model:7b' }))).toEqual({
      status: 404,
      code: 'model_not_found',
    });
    expect(await storedSettings().countDocuments({ _id: user.id })).toBe(0);
  });

  it('refuses a message option outside the same bounds', async () => {
    const user = await chat.user();
    const conversation = await user.newConversation();
    const response = await user.call('POST', `/chat/conversations/${conversation}/messages`, {
      content: 'hi',
      options: { top_k: -1 },
    });
    expect(await problemOf(response)).toEqual({ status: 400, code: 'validation_failed' });
  });
});
