import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { chatHarness, type TestUser, tinyModelName } from '../../test/harness.ts';

const database = useTestDatabase();

interface ModelList {
  defaultModel: string;
  models: Array<{ name: string; default: boolean; loaded: boolean; family: string | null; sizeBytes: number }>;
}

async function list(user: TestUser): Promise<ModelList> {
  const response = await user.call('GET', '/chat/models');
  expect(response.status).toBe(200);
  return (await response.json()) as ModelList;
}

describe('GET /chat/models', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await (await chatHarness(database)).user();
  });

  it('lists what Ollama has, the default marked, and whether it is loaded', async () => {
    // A reply loads the model. Other files' models share the test Ollama and may push it out
    // again before the list is asked: then a reply loads it once more.
    const conversation = await user.newConversation();
    const listedAfterReply = async () => {
      await user.ask(conversation, 'warm up', 1);
      return list(user);
    };
    expect((await listedAfterReply()).defaultModel).toBe(tinyModelName());
    await expect
      .poll(async () => (await listedAfterReply()).models[0], { timeout: 20_000 })
      .toEqual({
        name: tinyModelName(),
        default: true,
        loaded: true,
        family: 'llama',
        parameterSize: expect.any(String),
        quantization: expect.any(String),
        sizeBytes: expect.any(Number),
        modifiedAt: expect.any(String),
      });
  });

  it('leaves out models the allow-list does not name, but never the default', async () => {
    const strict = await chatHarness(database, { env: { CHAT_MODELS: 'llama3.2:1b, gemma3' } });
    const { defaultModel, models } = await list(await strict.user());
    expect(defaultModel).toBe(tinyModelName());
    expect(models.map((model) => model.name)).toEqual([tinyModelName()]);

    const other = await chatHarness(database, { env: { ZEROCHAT_MODEL: 'gemma3', CHAT_MODELS: 'llama3.2:1b' } });
    expect(await list(await other.user())).toEqual({ defaultModel: 'gemma3:latest', models: [] });
  });
});
