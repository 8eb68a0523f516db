// Titles: after a conversation's first reply the model names it, asynchronously; the stream
// carries conversation.title when it comes in time, a later read shows it otherwise; a failure
// leaves the first message's title, and a title the user set wins.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { allEvents, chatHarness, type TestUser, waitFor } from '../../test/harness.ts';

const database = useTestDatabase();

/** Requests for a title: the ones that ask the model to write one. */
const isTitleRequest = (input: unknown, init?: RequestInit) =>
  String(input).endsWith('/api/chat') && String(init?.body).includes('Write a title');
let titleRequests = 0;
let titleBehaviour: 'answer' | 'fail' | 'slow' = 'answer';
const titleFetch: typeof fetch = async (input, init) => {
  if (isTitleRequest(input, init)) {
    titleRequests++;
    if (titleBehaviour === 'fail') return new Response('{"error":"boom"}', { status: 500 });
    if (titleBehaviour === 'slow') await sleep(1500);
  }
  return fetch(input, init);
};

let user: TestUser;
beforeAll(async () => {
  const chat = await chatHarness(database, {
    fetch: titleFetch,
    env: { CHAT_TITLES: 'true', CHAT_TITLE_WAIT_MS: '800' },
  });
  user = await chat.user();
});

const titleOf = async (id: string) =>
  ((await (await user.call('GET', `/chat/conversations/${id}`)).json()) as { title: string }).title;
const firstReply = async (id: string, content: string) =>
  allEvents(await user.call('POST', `/chat/conversations/${id}/messages`, { content, options: { num_predict: 6 } }));

describe('the title of a conversation', () => {
  it('comes from the model after the first reply, as conversation.title after message.done', async () => {
    titleBehaviour = 'answer';
    const id = await user.newConversation();
    const events = await firstReply(id, 'What should I see in Lisbon?');
    expect(events.at(-2)?.event).toBe('message.done');
    const titled = events.at(-1);
    expect(titled).toEqual({ event: 'conversation.title', data: { conversationId: id, title: expect.any(String) } });
    expect(titled?.data.title).not.toBe('What should I see in Lisbon?');
    expect(await titleOf(id)).toBe(titled?.data.title);

    // Only the first reply names the conversation.
    const before = titleRequests;
    const second = await firstReply(id, 'And in Porto?');
    expect(second.at(-1)?.event).toBe('message.done');
    expect(titleRequests).toBe(before);
  });

  it('that comes late is stored, and a later read shows it', async () => {
    titleBehaviour = 'slow';
    const id = await user.newConversation();
    const events = await firstReply(id, 'slow title please');
    expect(events.at(-1)?.event).toBe('message.done');
    expect(await titleOf(id)).toBe('slow title please');
    await waitFor(async () => (await titleOf(id)) !== 'slow title please', 10_000);
  });

  it('stays the first message when the model fails', async () => {
    titleBehaviour = 'fail';
    const id = await user.newConversation();
    const before = titleRequests;
    const events = await firstReply(id, 'the model will fail to name this');
    expect(events.at(-1)?.event).toBe('message.done');
    expect(titleRequests).toBe(before + 1);
    expect(await titleOf(id)).toBe('the model will fail to name this');
  });

  it('is the user’s when they set one: at creation, or while the model writes its own', async () => {
    titleBehaviour = 'answer';
    const named = await user.newConversation({ title: 'Mine' });
    const before = titleRequests;
    await firstReply(named, 'hello');
    expect(titleRequests).toBe(before);
    expect(await titleOf(named)).toBe('Mine');

    titleBehaviour = 'slow';
    const id = await user.newConversation();
    const events = await firstReply(id, 'rename me');
    expect(events.at(-1)?.event).toBe('message.done');
    expect((await user.call('PATCH', `/chat/conversations/${id}`, { title: 'Renamed by me' })).status).toBe(200);
    await waitFor(async () => titleRequests === before + 1);
    await sleep(2000); // the slow title has come back by now, and was not stored
    expect(await titleOf(id)).toBe('Renamed by me');
  });
});
