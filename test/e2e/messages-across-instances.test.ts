// Messages of one conversation sent to two instances in turn, as on Knative where each request
// may reach another pod: each message follows the reply before it, whichever instance wrote
// that. An instance asks for the branch's end it last left beside the conversation's read; once
// the other instance has replied, that guess is stale and must not decide the message's place.
import { describe, expect, it } from 'vitest';
import { type ChatInstances, useChatInstances } from '../support/chat-instances.ts';
import type { ChatProcess } from '../support/chat-process.ts';
import { useOwnOllama } from '../support/own-ollama.ts';
import { useTestDatabase } from '../support/test-services.ts';

const database = useTestDatabase();
const ollama = useOwnOllama();
const instances: ChatInstances = useChatInstances(database, ollama);

interface Exchange {
  userMessage: { id: string; parentId: string | null };
  message: { id: string; parentId: string | null };
}

async function send(instance: ChatProcess, conversationId: string, content: string): Promise<Exchange> {
  const { status, body } = await instance.client.json<Exchange>(
    'POST',
    `/chat/conversations/${conversationId}/messages`,
    { token: instances.user.token, body: { content, stream: false, options: { num_predict: 4 } } },
  );
  expect(status).toBe(200);
  return body;
}

describe('messages across instances', () => {
  it('continue one branch, each after the reply before it, whichever instance answered', async () => {
    const id = await instances.conversation();
    const { generating, other } = instances;
    const exchanges = [
      await send(generating, id, 'one'),
      await send(generating, id, 'two'),
      // generating last left the branch at two's reply; other moves it on.
      await send(other, id, 'three'),
      await send(generating, id, 'four'),
      await send(other, id, 'five'),
    ];
    for (const [index, exchange] of exchanges.entries()) {
      expect(exchange.userMessage.parentId).toBe(exchanges[index - 1]?.message.id ?? null);
      expect(exchange.message.parentId).toBe(exchange.userMessage.id);
    }
    const view = await generating.client.json<{ messages: Array<{ id: string; siblingIds: string[] }> }>(
      'GET',
      `/chat/conversations/${id}`,
      { token: instances.user.token },
    );
    expect(view.body.messages.map((message) => message.id)).toEqual(
      exchanges.flatMap((exchange) => [exchange.userMessage.id, exchange.message.id]),
    );
    expect(view.body.messages.every((message) => message.siblingIds.length === 1)).toBe(true);
  });
});
