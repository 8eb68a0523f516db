// Export and import through the real app on FerretDB (and Ollama for real replies): the round
// trip keeps every branch, Markdown shows the current one, and bad files change nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type ChatHarness, chatHarness, problemOf, type TestUser } from '../../test/harness.ts';
import {
  branchedConversation,
  type FileConversation,
  fileMessage,
  importTraces,
  NO_TRACES,
  transferFile,
} from '../../test/transfer-files.ts';

const database = useTestDatabase();
let chat: ChatHarness;

// Each test has users of its own: what one exports never depends on what another imported.
beforeAll(async () => {
  chat = await chatHarness(database, {
    env: { CHAT_IMPORT_MAX_MESSAGES: '50', CHAT_IMPORT_MAX_BYTES: String(256 * 1024) },
  });
});

interface ViewMessage {
  id: string;
  parentId: string | null;
  role: string;
  content: string;
  status: string;
  siblingIds: string[];
}
interface View {
  id: string;
  title: string;
  pinned: boolean;
  currentMessageId: string | null;
  messages: ViewMessage[];
}
interface Exported {
  format: string;
  version: number;
  conversations: FileConversation[];
}

const view = async (user: TestUser, id: string) =>
  (await (await user.call('GET', `/chat/conversations/${id}`)).json()) as View;

async function exportOf(user: TestUser, path: string): Promise<Exported> {
  const response = await user.call('GET', path);
  expect(response.status).toBe(200);
  return (await response.json()) as Exported;
}

async function importFile(user: TestUser, file: unknown) {
  const response = await user.call('POST', '/chat/import', file);
  expect(response.status).toBe(201);
  return ((await response.json()) as { conversations: Array<{ id: string; title: string; messages: number }> })
    .conversations;
}

/** A conversation with its ids replaced by positions: what must survive a round trip. */
function shape(conversation: FileConversation) {
  const position = new Map(conversation.messages.map((message, index) => [message.id, index]));
  const { id: _id, ...rest } = conversation;
  return {
    ...rest,
    currentMessageId: conversation.currentMessageId === null ? null : position.get(conversation.currentMessageId),
    messages: conversation.messages.map(({ id: _messageId, parentId, ...message }) => ({
      ...message,
      parentId: parentId === null ? null : position.get(parentId),
    })),
  };
}

describe('export', () => {
  it('writes a conversation with every branch as JSON that imports back as a new conversation with the same tree', async () => {
    const alice = await chat.user();
    const id = await alice.newConversation({ title: 'Round trip', systemPrompt: 'Be brief.' });
    const ask = async (content: string) =>
      ((await (await alice.ask(id, content)).json()) as { userMessage: ViewMessage; message: ViewMessage }).message;
    const first = await ask('first question');
    await ask('second question');
    // A second version of the first reply, then back to the first version's branch.
    const regenerated = await alice.call('POST', `/chat/conversations/${id}/messages/${first.id}/regenerate`, {
      stream: false,
      options: { num_predict: 4 },
    });
    expect(regenerated.status).toBe(200);
    expect((await alice.call('PUT', `/chat/conversations/${id}/current-branch`, { messageId: first.id })).status).toBe(
      200,
    );
    expect((await alice.call('PATCH', `/chat/conversations/${id}`, { pinned: true })).status).toBe(200);

    const response = await alice.call('GET', `/chat/conversations/${id}/export`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="zerochat-round-trip-\d{4}-\d\d-\d\d\.json"$/,
    );
    const exported = (await response.json()) as Exported;
    expect(exported).toMatchObject({ format: 'zerochat.conversations', version: 1 });
    const [original] = exported.conversations as [FileConversation];
    expect(original).toMatchObject({
      id,
      title: 'Round trip',
      systemPrompt: 'Be brief.',
      pinned: true,
      archived: false,
    });
    expect(original.messages).toHaveLength(5);
    expect(original.messages.filter((message) => message.parentId === original.messages[0]?.id)).toHaveLength(2);

    const [imported] = await importFile(alice, exported);
    expect(imported).toMatchObject({ title: 'Round trip', messages: 5 });
    expect(imported?.id).not.toBe(id);
    const again = await exportOf(alice, `/chat/conversations/${imported?.id}/export?format=json`);
    expect(again.conversations.map(shape)).toEqual([shape(original)]);
    // The same current branch, with the same versions to switch between.
    const [before, after] = [await view(alice, id), await view(alice, imported?.id ?? '')];
    expect(after.messages.map((message) => [message.content, message.siblingIds.length])).toEqual(
      before.messages.map((message) => [message.content, message.siblingIds.length]),
    );
  });

  it('writes the current branch as Markdown, and says what it leaves out', async () => {
    const alice = await chat.user();
    const [imported] = await importFile(alice, transferFile([branchedConversation()]));
    const response = await alice.call('GET', `/chat/conversations/${imported?.id}/export?format=markdown`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/filename="zerochat-imported-trip-plans-[\d-]+\.md"/);
    const text = await response.text();
    expect(text).toContain('Current branches only');
    expect(text).toContain('# Imported trip plans\n\nModel: some-model:latest');
    expect(text).toContain('## System prompt\n\nYou answer briefly.');
    expect(text).toContain(
      '## You\n\nWhere should we go in June?\n\n## Assistant (some-model:latest)\n\nTry the fjords',
    );
    expect(text).toContain('Fly to Bergen, then take the\n\n*(incomplete: cancelled)*');
    expect(text).not.toContain('Lisbon');
  });

  it('writes all of a user’s conversations, archived ones too, and none of anyone else’s', async () => {
    const [alice, bob] = [await chat.user(), await chat.user()];
    const mine = await bob.newConversation({ title: 'Bob one' });
    const archived = await bob.newConversation({ title: 'Bob archived' });
    await bob.call('PATCH', `/chat/conversations/${archived}`, { archived: true });
    await alice.newConversation({ title: 'Not Bob’s' });

    const response = await bob.call('GET', '/chat/export');
    expect(response.headers.get('content-disposition')).toMatch(/filename="zerochat-conversations-[\d-]+\.json"/);
    const all = (await response.json()) as Exported;
    expect(all.conversations.map((conversation) => [conversation.id, conversation.archived])).toEqual([
      [mine, false],
      [archived, true],
    ]);
    const markdown = await (await bob.call('GET', '/chat/export?format=markdown')).text();
    expect(markdown).toContain('# Bob one');
    expect(markdown).toContain('# Bob archived');
    expect(markdown).not.toContain('Not Bob');
  });

  it('reads all conversations a few at a time, however many there are', async () => {
    const dana = await chat.user();
    const empty = (n: number) =>
      branchedConversation({ id: `c${n}`, title: `Number ${n}`, messages: [], currentMessageId: null });
    // Two imports of 30: more than one import may take here, and than one read of the cursor.
    await importFile(dana, transferFile(Array.from({ length: 30 }, (_, n) => empty(n))));
    await importFile(dana, transferFile(Array.from({ length: 30 }, (_, n) => empty(30 + n))));
    const all = await exportOf(dana, '/chat/export');
    expect(all.conversations.map((conversation) => conversation.title)).toEqual(
      Array.from({ length: 60 }, (_, n) => `Number ${n}`),
    );
  });

  it('does not find another user’s conversation', async () => {
    const [alice, bob] = [await chat.user(), await chat.user()];
    const id = await alice.newConversation({ title: 'Alice only' });
    for (const format of ['json', 'markdown']) {
      expect(await problemOf(await bob.call('GET', `/chat/conversations/${id}/export?format=${format}`))).toEqual({
        status: 404,
        code: 'not_found',
      });
    }
  });
});

describe('import', () => {
  it('shows the branches, the flags and the current branch, and finds the messages by search', async () => {
    const file = transferFile([
      branchedConversation(),
      branchedConversation({ id: 'c2', title: 'Shelved', pinned: false, archived: true }),
    ]);
    const carol = await chat.user();
    const imported = await importFile(carol, file);
    expect(imported.map((conversation) => [conversation.title, conversation.messages])).toEqual([
      ['Imported trip plans', 5],
      ['Shelved', 5],
    ]);
    const read = await view(carol, imported[0]?.id ?? '');
    expect(read).toMatchObject({ title: 'Imported trip plans', pinned: true });
    expect(read.messages.map((message) => [message.content, message.status, message.siblingIds.length])).toEqual([
      ['Where should we go in June?', 'complete', 1],
      ['Try the fjords of Norway.', 'complete', 2],
      ['How do we get there?', 'complete', 1],
      ['Fly to Bergen, then take the', 'incomplete', 1],
    ]);
    const found = (await (await carol.call('GET', '/chat/conversations?q=lisbon&archived=all')).json()) as {
      items: Array<{ id: string; match: { snippet: string } | null }>;
    };
    expect(found.items.map((item) => item.id).sort()).toEqual(imported.map((conversation) => conversation.id).sort());
    expect(found.items[0]?.match?.snippet).toContain('Lisbon');
  });

  it('gives everything new ids: a file of another user’s conversation changes nothing of theirs', async () => {
    const [alice, bob] = [await chat.user(), await chat.user()];
    const id = await alice.newConversation({ title: 'Alice’s own' });
    const file = await exportOf(alice, `/chat/conversations/${id}/export`);
    const before = await alice.call('GET', `/chat/conversations/${id}`).then((response) => response.json());
    const [imported] = await importFile(bob, file);
    expect(imported?.id).not.toBe(id);
    expect(await alice.call('GET', `/chat/conversations/${id}`).then((response) => response.json())).toEqual(before);
    expect((await bob.call('GET', `/chat/conversations/${id}`)).status).toBe(404);
    expect((await view(bob, imported?.id ?? '')).title).toBe('Alice’s own');
  });

  it('takes a file larger than other request bodies, up to CHAT_IMPORT_MAX_BYTES', async () => {
    const alice = await chat.user();
    const long = 'word '.repeat(30_000); // 150 KB: more than BODY_LIMIT_BYTES, less than the import's limit
    const [imported] = await importFile(
      alice,
      transferFile([branchedConversation({ messages: [fileMessage('q1', null, long, 1)], currentMessageId: null })]),
    );
    expect((await view(alice, imported?.id ?? '')).messages[0]?.content).toBe(long);
  });

  // biome-ignore format: one line per case
  const refused: Array<[string, unknown, number, string]> = [
    ['a version it does not know', transferFile([branchedConversation()], { version: 2 }), 400, 'import_version_unsupported'],
    ['another format', { format: 'someone.else', version: 1, chats: [] }, 400, 'import_version_unsupported'],
    ['malformed JSON', '{"format": "zerochat.conversations", "version": 1, "conv', 400, 'malformed_json'],
    ['a message that is not one', transferFile([branchedConversation({ messages: [{ id: 'q1', parentId: null }] as never })]), 400, 'validation_failed'],
    ['an unknown field', transferFile([branchedConversation({ userId: 'someone' } as never)]), 400, 'validation_failed'],
    ['a parent that is not there', transferFile([branchedConversation({ messages: [fileMessage('q1', 'gone', 'hi', 1)], currentMessageId: null })]), 400, 'validation_failed'],
    ['a cycle', transferFile([branchedConversation({ messages: [fileMessage('q1', 'a1', 'hi', 1), fileMessage('a1', 'q1', 'ho', 2)], currentMessageId: null })]), 400, 'validation_failed'],
    ['two messages with one id', transferFile([branchedConversation({ messages: [fileMessage('q1', null, 'hi', 1), fileMessage('q1', null, 'ho', 2)], currentMessageId: null })]), 400, 'validation_failed'],
    ['a current message that is not there', transferFile([branchedConversation({ currentMessageId: 'a9' })]), 400, 'validation_failed'],
    ['more messages than CHAT_IMPORT_MAX_MESSAGES', transferFile(Array.from({ length: 11 }, (_, n) => branchedConversation({ id: `c${n}` }))), 400, 'validation_failed'],
    ['a file over CHAT_IMPORT_MAX_BYTES', transferFile([branchedConversation({ systemPrompt: 'x'.repeat(300 * 1024) })]), 413, 'payload_too_large'],
  ];

  it.each(refused)('refuses %s with a problem and writes nothing', async (_name, file, status, code) => {
    const alice = await chat.user();
    const response = await alice.call('POST', '/chat/import', file);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await problemOf(response)).toEqual({ status, code });
    // Not even the good conversations of the file.
    expect(await importTraces(database, alice.id)).toEqual(NO_TRACES);
  });

  it('says where a broken tree is broken', async () => {
    const alice = await chat.user();
    const file = transferFile([
      branchedConversation(),
      branchedConversation({ id: 'c2', messages: [fileMessage('q1', 'nowhere', 'hi', 1)], currentMessageId: null }),
    ]);
    const response = await alice.call('POST', '/chat/import', file);
    expect(await response.json()).toMatchObject({
      errors: [
        { in: 'body', pointer: '/conversations/1/messages/0/parentId', detail: expect.stringContaining('"nowhere"') },
      ],
    });
  });
});
