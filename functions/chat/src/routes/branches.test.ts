// Branches: regenerate, edit, continue, switching and deleting, through the real app on
// FerretDB and Ollama; what the model is sent is the current branch only.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  allEvents,
  type ChatHarness,
  chatHarness,
  problemOf,
  storedCounts,
  type TestUser,
} from '../../test/harness.ts';

const database = useTestDatabase();
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);

/** What the app sent to Ollama's /api/chat, newest last. */
const sentToOllama: Array<{ messages: Array<{ role: string; content: string }> }> = [];
const recordingFetch: typeof fetch = async (input, init) => {
  if (String(input).endsWith('/api/chat')) sentToOllama.push(JSON.parse(String(init?.body)));
  return fetch(input, init);
};
const lastSent = () => sentToOllama.at(-1)?.messages.map(({ role, content }) => `${role}: ${content}`);

interface ViewMessage {
  id: string;
  parentId: string | null;
  role: string;
  content: string;
  status: string;
  finishReason: string | null;
  siblingIds: string[];
}
interface View {
  currentMessageId: string | null;
  messages: ViewMessage[];
}
interface ReplyJson {
  userMessage: ViewMessage;
  message: ViewMessage;
  finishReason: string;
}

let chat: ChatHarness;
let user: TestUser;

beforeAll(async () => {
  chat = await chatHarness(database, { fetch: recordingFetch });
  user = await chat.user();
});

const view = async (id: string) => (await (await user.call('GET', `/chat/conversations/${id}`)).json()) as View;
const say = async (id: string, content: string) => (await (await user.ask(id, content)).json()) as ReplyJson;
const act = async (id: string, messageId: string, action: string, body: object = {}) => {
  const response = await user.call('POST', `/chat/conversations/${id}/messages/${messageId}/${action}`, {
    stream: false,
    options: { num_predict: 4 },
    ...body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ReplyJson;
};
const lines = (path: ViewMessage[]) => path.map((message) => `${message.role}: ${message.content}`);

describe('regenerate', () => {
  it('adds a sibling reply, makes it current, and sends the model only the branch up to the question', async () => {
    const id = await user.newConversation();
    const first = await say(id, 'first question');
    const second = await say(id, 'second question');
    const again = await act(id, second.message.id, 'regenerate');
    expect(again.userMessage.id).toBe(second.userMessage.id);
    expect(again.message.parentId).toBe(second.userMessage.id);
    expect(lastSent()).toEqual([
      'user: first question',
      `assistant: ${first.message.content}`,
      'user: second question',
    ]);

    const read = await view(id);
    expect(read.currentMessageId).toBe(again.message.id);
    expect(read.messages.map((message) => message.id)).toEqual([
      first.userMessage.id,
      first.message.id,
      second.userMessage.id,
      again.message.id,
    ]);
    expect(read.messages.at(-1)?.siblingIds).toEqual([second.message.id, again.message.id]);
    expect(read.messages[0]?.siblingIds).toEqual([first.userMessage.id]);
    expect(read.messages[0]?.parentId).toBeNull();
  });

  it('streams the new reply as SSE too', async () => {
    const id = await user.newConversation();
    const asked = await say(id, 'hello');
    const response = await user.call('POST', `/chat/conversations/${id}/messages/${asked.message.id}/regenerate`, {
      options: { num_predict: 4 },
    });
    const events = await allEvents(response);
    expect(events[0]).toMatchObject({ event: 'message.start', data: { userMessageId: asked.userMessage.id } });
    expect(events.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'length' } });
  });
});

describe('edit', () => {
  it('adds a sibling user message with its reply; the old branch stays and can be switched back to', async () => {
    const id = await user.newConversation();
    const first = await say(id, 'first question');
    const original = await say(id, 'original wording');
    const edited = await act(id, original.userMessage.id, 'edit', { content: 'better wording' });
    expect(edited.userMessage).toMatchObject({ content: 'better wording', parentId: first.message.id });
    expect(lastSent()).toEqual(['user: first question', `assistant: ${first.message.content}`, 'user: better wording']);

    const read = await view(id);
    expect(lines(read.messages).slice(2)).toEqual(['user: better wording', `assistant: ${edited.message.content}`]);
    expect(read.messages[2]?.siblingIds).toEqual([original.userMessage.id, edited.userMessage.id]);

    // Back to the first version: the branch goes down to its newest message.
    const switched = await user.call('PUT', `/chat/conversations/${id}/current-branch`, {
      messageId: original.userMessage.id,
    });
    expect(switched.status).toBe(200);
    const back = (await switched.json()) as View;
    expect(back.currentMessageId).toBe(original.message.id);
    expect(back).toEqual(await view(id));
    // A new message follows the current branch.
    await say(id, 'and then?');
    expect(lastSent()?.slice(2)).toEqual([
      'user: original wording',
      `assistant: ${original.message.content}`,
      'user: and then?',
    ]);
  });

  it('edits a first message into a second first message', async () => {
    const id = await user.newConversation();
    const first = await say(id, 'hi');
    const edited = await act(id, first.userMessage.id, 'edit', { content: 'hello' });
    expect(edited.userMessage.parentId).toBeNull();
    expect((await view(id)).messages[0]?.siblingIds).toEqual([first.userMessage.id, edited.userMessage.id]);
  });
});

describe('continue', () => {
  it('adds to a reply cut off at its length limit, sending it last as the assistant text to carry on', async () => {
    const id = await user.newConversation();
    const cut = await say(id, 'a long answer please');
    expect(cut.finishReason).toBe('length');
    const more = await act(id, cut.message.id, 'continue', { options: { num_predict: 6 } });
    expect(more.message.id).toBe(cut.message.id);
    expect(more.message.content.startsWith(cut.message.content)).toBe(true);
    expect(more.message.content.length).toBeGreaterThan(cut.message.content.length);
    expect(lastSent()?.slice(-2)).toEqual(['user: a long answer please', `assistant: ${cut.message.content}`]);
    const stored = await messages().findOne({ _id: ObjectId.createFromHexString(cut.message.id) });
    expect(stored).toMatchObject({ content: more.message.content, status: 'complete', finishReason: 'length' });
  });

  it('numbers the streamed events on from the text there was', async () => {
    const id = await user.newConversation();
    const cut = await say(id, 'go');
    const response = await user.call('POST', `/chat/conversations/${id}/messages/${cut.message.id}/continue`, {
      options: { num_predict: 4 },
    });
    const text = await response.text();
    expect(text).toContain(`id: ${cut.message.content.length}\n`);
  });

  it('refuses a reply the model ended, a user message, and writes nothing', async () => {
    const id = await user.newConversation();
    const asked = await say(id, 'x');
    await messages().updateOne(
      { _id: ObjectId.createFromHexString(asked.message.id) },
      { $set: { finishReason: 'stop' } },
    );
    const before = await storedCounts(database);
    for (const messageId of [asked.message.id, asked.userMessage.id]) {
      const response = await user.call('POST', `/chat/conversations/${id}/messages/${messageId}/continue`, {
        stream: false,
      });
      expect(await problemOf(response)).toEqual({ status: 409, code: 'conflict' });
    }
    const regenerateUser = await user.call(
      'POST',
      `/chat/conversations/${id}/messages/${asked.userMessage.id}/regenerate`,
      {},
    );
    expect(await problemOf(regenerateUser)).toEqual({ status: 409, code: 'conflict' });
    const editReply = await user.call('POST', `/chat/conversations/${id}/messages/${asked.message.id}/edit`, {
      content: 'y',
    });
    expect(await problemOf(editReply)).toEqual({ status: 409, code: 'conflict' });
    expect(await storedCounts(database)).toEqual(before);
  });
});

describe('delete', () => {
  it('deletes a message with everything below it, and the branch moves up', async () => {
    const id = await user.newConversation();
    const first = await say(id, 'keep me');
    const second = await say(id, 'drop me');
    await act(id, second.message.id, 'regenerate');
    await say(id, 'drop me too');
    const response = await user.call('DELETE', `/chat/conversations/${id}/messages/${second.userMessage.id}`);
    expect(response.status).toBe(204);
    const read = await view(id);
    expect(read.messages.map((message) => message.id)).toEqual([first.userMessage.id, first.message.id]);
    expect(await messages().countDocuments({ conversationId: ObjectId.createFromHexString(id) })).toBe(2);
    const conversation = await database.db
      .collection(COLLECTIONS.conversations)
      .findOne({ _id: ObjectId.createFromHexString(id) });
    expect(conversation).not.toHaveProperty('currentIsLeaf');
    const next = await say(id, 'after the delete');
    expect(next.userMessage.parentId).toBe(first.message.id);
  });
});

describe('a conversation stored before branches', () => {
  it('reads as one line, takes new messages after its last, and can be regenerated', async () => {
    const id = await user.newConversation();
    const conversationId = ObjectId.createFromHexString(id);
    const old = ['user: one', 'assistant: two', 'user: three', 'assistant: four'].map((line, i) => {
      const [role, content] = line.split(': ') as [MessageDocument['role'], string];
      return {
        _id: new ObjectId(),
        conversationId,
        userId: user.id,
        role,
        content,
        status: 'complete' as const,
        model: null,
        usage: null,
        createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
      };
    });
    await messages().insertMany(old);
    // A conversation stored with them knows nothing of where its branch ends.
    await database.db
      .collection(COLLECTIONS.conversations)
      .updateOne({ _id: ObjectId.createFromHexString(id) }, { $unset: { currentMessageId: '', currentIsLeaf: '' } });
    const read = await view(id);
    expect(lines(read.messages)).toEqual(['user: one', 'assistant: two', 'user: three', 'assistant: four']);
    expect(read.messages.map((message) => message.parentId)).toEqual([
      null,
      ...old.slice(0, 3).map((m) => m._id.toHexString()),
    ]);

    const next = await say(id, 'five');
    expect(next.userMessage.parentId).toBe(old[3]?._id.toHexString());
    expect(lastSent()).toEqual(['user: one', 'assistant: two', 'user: three', 'assistant: four', 'user: five']);
    await act(id, old[1]?._id.toHexString() ?? '', 'regenerate');
    expect(lastSent()).toEqual(['user: one']);
    expect((await view(id)).messages.map((message) => message.content).slice(0, 1)).toEqual(['one']);
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, () => string, unknown, number, string]> = [
    ['an unknown message', 'POST', () => `/messages/${new ObjectId().toHexString()}/regenerate`, {}, 404, 'not_found'],
    ['a bad message id', 'POST', () => '/messages/nope/continue', {}, 400, 'validation_failed'],
    [
      'an unknown option',
      'POST',
      () => `/messages/${new ObjectId().toHexString()}/regenerate`,
      { options: { x: 1 } },
      400,
      'validation_failed',
    ],
    [
      'an edit without content',
      'POST',
      () => `/messages/${new ObjectId().toHexString()}/edit`,
      {},
      400,
      'validation_failed',
    ],
    [
      'content in a regenerate',
      'POST',
      () => `/messages/${new ObjectId().toHexString()}/regenerate`,
      { content: 'x' },
      400,
      'validation_failed',
    ],
    [
      'deleting an unknown message',
      'DELETE',
      () => `/messages/${new ObjectId().toHexString()}`,
      undefined,
      404,
      'not_found',
    ],
    [
      'switching to an unknown message',
      'PUT',
      () => '/current-branch',
      { messageId: new ObjectId().toHexString() },
      404,
      'not_found',
    ],
    ['switching to $ne', 'PUT', () => '/current-branch', { messageId: { $ne: null } }, 400, 'validation_failed'],
  ];
  it.each(cases)('answers %s with a problem and changes nothing', async (_name, method, path, body, status, code) => {
    const id = await user.newConversation();
    await say(id, 'there is one');
    const before = await storedCounts(database);
    const conversation = await database.db
      .collection(COLLECTIONS.conversations)
      .findOne({ _id: ObjectId.createFromHexString(id) });
    expect(await problemOf(await user.call(method, `/chat/conversations/${id}${path()}`, body))).toEqual({
      status,
      code,
    });
    expect(await storedCounts(database)).toEqual(before);
    expect(
      await database.db.collection(COLLECTIONS.conversations).findOne({ _id: ObjectId.createFromHexString(id) }),
    ).toEqual(conversation);
  });

  it("answers another user's messages with 404 and changes nothing", async () => {
    const id = await user.newConversation();
    const asked = await say(id, 'mine');
    const stranger = await chat.user();
    const before = await storedCounts(database);
    for (const [method, path, body] of [
      ['POST', `/messages/${asked.message.id}/regenerate`, {}],
      ['POST', `/messages/${asked.userMessage.id}/edit`, { content: 'theirs' }],
      ['DELETE', `/messages/${asked.message.id}`, undefined],
      ['PUT', '/current-branch', { messageId: asked.message.id }],
    ] as const) {
      expect(await problemOf(await stranger.call(method, `/chat/conversations/${id}${path}`, body))).toEqual({
        status: 404,
        code: 'not_found',
      });
    }
    expect(await storedCounts(database)).toEqual(before);
  });
});
