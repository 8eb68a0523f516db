// Replies of a real small model (SmolLM2 135M) through the chat function: answers that make
// sense, where the fast tests' tiny model writes gibberish. Few, because each takes seconds.
import { describe, expect, it } from 'vitest';
import { DETERMINISTIC, useRealModel } from '../../../test/support/real-model.ts';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { allEvents, chatHarness, waitFor } from '../test/harness.ts';

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

  it('names a conversation after its first exchange with a short title of its own', {
    // The title is generated after the reply, within its own bound of a minute.
    timeout: REAL_REPLY_MS + 60_000,
  }, async () => {
    const chat = await chatHarness(database, { env: { CHAT_TITLES: 'true' } });
    const user = await chat.user();
    const conversation = await user.newConversation({ model: realModel.name });
    const question = 'How do I bake sourdough bread at home?';
    const events = await allEvents(
      await user.call('POST', `/chat/conversations/${conversation}/messages`, {
        content: question,
        options: { ...DETERMINISTIC, num_predict: 24 },
      }),
    );
    expect(events.find((event) => event.event === 'message.done')).toBeDefined();
    // The first message names the conversation at once; the model's title replaces it, within
    // the stream when it comes in time, on a later read otherwise (how soon depends on the load).
    let title = '';
    await waitFor(async () => {
      const view = (await (await user.call('GET', `/chat/conversations/${conversation}`)).json()) as { title: string };
      title = view.title;
      return title !== question;
    }, 60_000).catch((error: unknown) => {
      const said = chat.lines.filter((line) => /name|title/i.test(String(line.msg)));
      throw new Error(`no title from the model; the log said: ${JSON.stringify(said)}`, { cause: error });
    });
    const titled = events.find((event) => event.event === 'conversation.title');
    if (titled) expect(titled.data).toEqual({ conversationId: conversation, title });
    // A title, not the first message again: one short line, about the bread.
    expect(title).not.toContain('\n');
    expect([...title].length).toBeGreaterThan(2);
    expect([...title].length).toBeLessThanOrEqual(60);
    expect(title.toLowerCase()).toMatch(/sourdough|bread|bak/);
  });

  it('regenerates a reply: a second version beside the first, both sensible, the new one current', {
    timeout: REAL_REPLY_MS,
  }, async () => {
    const chat = await chatHarness(database);
    const user = await chat.user();
    const conversation = await user.newConversation({ model: realModel.name });
    const options = { ...DETERMINISTIC, num_predict: 32 };
    const asked = await user.call('POST', `/chat/conversations/${conversation}/messages`, {
      content: 'What is the capital of France?',
      stream: false,
      options,
    });
    expect(asked.status).toBe(200);
    const first = ((await asked.json()) as { message: { id: string } }).message;
    const regenerated = await allEvents(
      await user.call('POST', `/chat/conversations/${conversation}/messages/${first.id}/regenerate`, { options }),
    );
    const start = regenerated[0];
    expect(start?.event).toBe('message.start');
    const secondId = String(start?.data.messageId);
    expect(secondId).not.toBe(first.id);
    expect(regenerated.at(-1)).toMatchObject({ event: 'message.done', data: { messageId: secondId } });

    const view = (await (await user.call('GET', `/chat/conversations/${conversation}`)).json()) as {
      currentMessageId: string;
      messages: Array<{ id: string; parentId: string | null; role: string; content: string; siblingIds: string[] }>;
    };
    // The current path is the question and the new reply, which shows two versions.
    const [question, answer] = view.messages;
    expect(view.messages).toHaveLength(2);
    expect(view.currentMessageId).toBe(secondId);
    expect(answer).toMatchObject({ id: secondId, role: 'assistant', parentId: question?.id });
    expect(answer?.siblingIds).toEqual([first.id, secondId]);
    expect(answer?.content).toContain('Paris');
    // The first version is kept, as it was.
    const switched = await user.call('PUT', `/chat/conversations/${conversation}/current-branch`, {
      messageId: first.id,
    });
    const back = (await switched.json()) as { messages: Array<{ id: string; content: string }> };
    expect(back.messages.at(-1)?.id).toBe(first.id);
    expect(back.messages.at(-1)?.content).toContain('Paris');
  });
});
