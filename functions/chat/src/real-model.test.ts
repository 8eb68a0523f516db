// Replies of a real small model (SmolLM2 135M) through the chat function: answers that make
// sense, where the fast tests' tiny model writes gibberish. Few, because each takes seconds.
import { describe, expect, it } from 'vitest';
import { DETERMINISTIC, useRealModel } from '../../../test/support/real-model.ts';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { allEvents, chatHarness } from '../test/harness.ts';

const database = useTestDatabase();
const realModel = useRealModel();

// A real model on a shared 2-core machine takes seconds per reply, more under load.
const REAL_REPLY_MS = 120_000;

describe('the chat function with a real model', () => {
  it('answers "What is the capital of France?" with Paris, streamed and stored', {
    timeout: REAL_REPLY_MS,
  }, async () => {
    const chat = await chatHarness(database);
    const user = await chat.user();
    const conversation = await user.newConversation({ model: realModel.name });
    const response = await user.call('POST', `/chat/conversations/${conversation}/messages`, {
      content: 'What is the capital of France?',
      options: { ...DETERMINISTIC, num_predict: 32 },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await allEvents(response);
    const streamed = events
      .filter((event) => event.event === 'message.delta')
      .map((event) => event.data.content)
      .join('');
    expect(streamed).toContain('Paris');
    expect(events.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'stop' } });
    const stored = (await (await user.call('GET', `/chat/conversations/${conversation}`)).json()) as {
      currentMessageId: string;
      messages: Array<{ id: string; parentId: string | null; role: string; siblingIds: string[] }>;
    };
    const [question, answer] = stored.messages;
    expect(stored.currentMessageId).toBe(answer?.id);
    expect(question).toMatchObject({ role: 'user', parentId: null, siblingIds: [question?.id] });
    expect(answer).toMatchObject({
      role: 'assistant',
      parentId: question?.id,
      content: streamed,
      model: realModel.name,
      finishReason: 'stop',
      siblingIds: [answer?.id],
    });
  });

  it('writes a short title for a conversation when asked to', { timeout: REAL_REPLY_MS }, async () => {
    const chat = await chatHarness(database);
    const user = await chat.user();
    const conversation = await user.newConversation({ model: realModel.name });
    const response = await user.call('POST', `/chat/conversations/${conversation}/messages`, {
      content:
        'Write a short title, at most six words, for a conversation that starts with: "How do I bake sourdough bread at home?" Answer with the title only.',
      stream: false,
      options: { ...DETERMINISTIC, num_predict: 32 },
    });
    const reply = (await response.json()) as { finishReason: string; message: { content: string } };
    // The model ends the title itself, on one line, and it is about the conversation.
    expect(reply.finishReason).toBe('stop');
    const title = reply.message.content.trim();
    expect(title).not.toContain('\n');
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title.toLowerCase()).toContain('sourdough');
  });
});
