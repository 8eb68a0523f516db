import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../../packages/local-services/src/index.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  allEvents,
  type ChatHarness,
  chatHarness,
  problemOf,
  request,
  type SseEvent,
  storedCounts,
  type TestUser,
  tinyModelName,
  waitFor,
} from '../../test/harness.ts';

const database = useTestDatabase();
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);

/** Every request body the app sent to Ollama's /api/chat. */
const sentToOllama: Array<{ messages: Array<{ role: string; content: string }>; options: Record<string, unknown> }> =
  [];
const recordingFetch: typeof fetch = async (input, init) => {
  if (String(input).endsWith('/api/chat')) sentToOllama.push(JSON.parse(String(init?.body)));
  return fetch(input, init);
};

let chat: ChatHarness;
let base: string;
let alice: TestUser;

beforeAll(async () => {
  chat = await chatHarness(database, { fetch: recordingFetch });
  base = await chat.serve();
  alice = await chat.user();
});

const post = (user: TestUser, id: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${base}/chat/conversations/${id}/messages`, request('POST', user.token, body, signal));

describe('a streamed reply', () => {
  it('arrives as SSE over a real socket, and what is stored matches what was streamed', async () => {
    const id = await alice.newConversation();
    const response = await post(alice, id, { content: 'hello there', options: { num_predict: 24, seed: 7 } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const events = await allEvents(response);

    const [start, ...rest] = events;
    const done = rest.pop() as SseEvent;
    expect(start).toEqual({
      event: 'message.start',
      data: {
        conversationId: id,
        userMessageId: expect.stringMatching(/^[0-9a-f]{24}$/),
        messageId: expect.stringMatching(/^[0-9a-f]{24}$/),
        model: tinyModelName(),
      },
    });
    expect(rest.length).toBeGreaterThan(1);
    expect(rest.every((event) => event.event === 'message.delta' && typeof event.data.content === 'string')).toBe(true);
    const streamed = rest.map((event) => event.data.content).join('');
    expect(streamed.length).toBeGreaterThan(0);
    expect(done).toEqual({
      event: 'message.done',
      data: {
        messageId: start?.data.messageId,
        finishReason: 'length',
        usage: { promptTokens: expect.any(Number), completionTokens: 24, durationMs: expect.any(Number) },
      },
    });

    // message.done comes after the reply is stored: reading right away shows it final.
    const read = (await (await alice.call('GET', `/chat/conversations/${id}`)).json()) as {
      title: string;
      messages: Array<Record<string, unknown>>;
    };
    expect(read.title).toBe('hello there');
    expect(read.messages).toEqual([
      expect.objectContaining({
        id: start?.data.userMessageId,
        role: 'user',
        content: 'hello there',
        status: 'complete',
      }),
      {
        id: start?.data.messageId,
        conversationId: id,
        parentId: start?.data.userMessageId,
        siblingIds: [start?.data.messageId],
        role: 'assistant',
        content: streamed,
        status: 'complete',
        finishReason: 'length',
        model: tinyModelName(),
        usage: done.data.usage,
        createdAt: expect.any(String),
      },
    ]);
    expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const model = `model="${tinyModelName()}"`;
    expect(metrics).toMatch(new RegExp(`zerochat_chat_replies_total\\{${model},outcome="length"\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`zerochat_chat_first_token_seconds_count\\{${model}\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`zerochat_chat_completion_tokens_total\\{${model}\\} \\d+`));
    expect(metrics).toContain('zerochat_chat_replies_in_progress 0');
  });

  it('sends the system prompt and the earlier finished messages along, oldest left out to fit the budget', async () => {
    // system 9 + new 14 + "lost question" 13 + "second answer" 13 + "second question" 15 = 64
    const small = await chatHarness(database, { fetch: recordingFetch, env: { CHAT_HISTORY_BUDGET_CHARS: '64' } });
    const bob = await small.user();
    const id = await bob.newConversation({ systemPrompt: 'Be brief.' });
    const earlier: Array<[MessageDocument['role'], string, MessageDocument['status']]> = [
      ['user', 'first question', 'complete'],
      ['assistant', 'first answer', 'complete'],
      ['user', 'second question', 'complete'],
      ['assistant', 'second answer', 'incomplete'],
      ['user', 'lost question', 'complete'],
      ['assistant', 'half a repl', 'error'],
    ];
    await messages().insertMany(
      earlier.map(([role, content, status], i) => ({
        _id: new ObjectId(),
        conversationId: ObjectId.createFromHexString(id),
        userId: bob.id,
        role,
        content,
        status,
        model: null,
        usage: null,
        createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)),
      })),
    );
    // A conversation stored with them knows nothing of where its branch ends.
    await database.db
      .collection(COLLECTIONS.conversations)
      .updateOne({ _id: ObjectId.createFromHexString(id) }, { $unset: { currentMessageId: '', currentIsLeaf: '' } });
    sentToOllama.length = 0;
    expect((await bob.ask(id, 'final question')).status).toBe(200);
    expect(sentToOllama[0]?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'second question' },
      { role: 'assistant', content: 'second answer' },
      { role: 'user', content: 'lost question' },
      { role: 'user', content: 'final question' },
    ]);
  });

  it('passes model options through, with num_predict defaulting to the configured ceiling', async () => {
    const id = await alice.newConversation();
    sentToOllama.length = 0;
    const options = { temperature: 0.2, top_p: 0.9, num_ctx: 1024, seed: 42, num_predict: 5 };
    const reply = await alice.call('POST', `/chat/conversations/${id}/messages`, {
      content: 'x',
      stream: false,
      options,
    });
    expect(reply.status).toBe(200);
    expect(sentToOllama[0]?.options).toEqual(options);

    sentToOllama.length = 0;
    const slow = await chatHarness(database, { fetch: recordingFetch, env: { CHAT_MAX_NUM_PREDICT: '3' } });
    const carol = await slow.user();
    const other = await carol.newConversation();
    const capped = await carol.call('POST', `/chat/conversations/${other}/messages`, { content: 'x', stream: false });
    expect(((await capped.json()) as { usage: { completionTokens: number } }).usage.completionTokens).toBe(3);
    expect(sentToOllama[0]?.options).toEqual({ num_predict: 3 });
  });

  it('gives the same reply twice for the same seed at temperature 0', async () => {
    const ask = async (conversationId: string) => {
      const response = await alice.call('POST', `/chat/conversations/${conversationId}/messages`, {
        content: 'same',
        stream: false,
        options: { num_predict: 8, seed: 3, temperature: 0 },
      });
      return ((await response.json()) as { message: { content: string } }).message.content;
    };
    // Two fresh conversations, so both prompts are the same.
    expect(await ask(await alice.newConversation())).toBe(await ask(await alice.newConversation()));
  });
});

describe('a reply with stream: false', () => {
  it('comes as one JSON body, stored as returned', async () => {
    const id = await alice.newConversation({ title: 'kept' });
    const response = await alice.call('POST', `/chat/conversations/${id}/messages`, {
      content: 'one body please',
      stream: false,
      options: { num_predict: 6 },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const reply = (await response.json()) as Record<string, { id: string; content: string }> & { usage: unknown };
    expect(reply).toEqual({
      conversationId: id,
      userMessage: expect.objectContaining({ role: 'user', content: 'one body please', status: 'complete' }),
      message: expect.objectContaining({ role: 'assistant', status: 'complete', model: tinyModelName() }),
      finishReason: 'length',
      usage: { promptTokens: expect.any(Number), completionTokens: 6, durationMs: expect.any(Number) },
    });
    const stored = await messages().findOne({ _id: ObjectId.createFromHexString(reply.message?.id ?? '') });
    expect(stored).toMatchObject({ content: reply.message?.content, status: 'complete', usage: reply.usage });
    // A conversation that was given a title keeps it.
    expect(await (await alice.call('GET', `/chat/conversations/${id}`)).json()).toMatchObject({ title: 'kept' });
  });
});

describe('when the reply cannot start', () => {
  it('answers 404 model_not_found when the conversation model is gone, and leaves no trace', async () => {
    const id = await alice.newConversation();
    await database.db
      .collection(COLLECTIONS.conversations)
      .updateOne({ _id: ObjectId.createFromHexString(id) }, { $set: { model: 'vanished:latest' } });
    const before = await storedCounts(database);
    for (const stream of [true, false]) {
      const response = await post(alice, id, { content: 'anyone?', stream });
      expect(await problemOf(response)).toEqual({ status: 404, code: 'model_not_found' });
    }
    expect(await storedCounts(database)).toEqual(before);
  });

  it('answers 503 upstream_unavailable when Ollama cannot be reached, without leaking details', async () => {
    const closedPort = await freePort();
    const offline = await chatHarness(database, { ollamaHost: `http://127.0.0.1:${closedPort}` });
    const gina = await offline.user();
    const id = await gina.newConversation();
    const before = await storedCounts(database);
    const response = await gina.call('POST', `/chat/conversations/${id}/messages`, { content: 'hello?' });
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'upstream_unavailable' });
    expect(body).not.toContain(String(closedPort));
    expect(body).not.toContain('ECONNREFUSED');
    expect(await storedCounts(database)).toEqual(before);
    expect(offline.lines.some((line) => JSON.stringify(line).includes('ECONNREFUSED'))).toBe(true);

    const models = await gina.call('GET', '/chat/models');
    expect(await problemOf(models)).toEqual({ status: 503, code: 'upstream_unavailable' });
    // Readiness does not depend on Ollama.
    expect((await offline.app.request('/readyz')).status).toBe(200);
  });

  it('answers 503 when a proxy in front of Ollama answers with an error page, and keeps stdout to log lines', async () => {
    const proxyDown: typeof fetch = async () =>
      new Response('<html><h1>502 Bad Gateway</h1></html>', { status: 502, headers: { 'content-type': 'text/html' } });
    const proxied = await chatHarness(database, { fetch: proxyDown });
    const jack = await proxied.user();
    const id = await jack.newConversation();
    const consoleLog = vi.spyOn(console, 'log');
    try {
      const response = await jack.call('POST', `/chat/conversations/${id}/messages`, { content: 'hello?' });
      expect(await problemOf(response)).toEqual({ status: 503, code: 'upstream_unavailable' });
      expect(consoleLog).not.toHaveBeenCalled();
    } finally {
      consoleLog.mockRestore();
    }
    expect(proxied.lines.find((line) => line.msg === 'the reply could not start')).toMatchObject({
      upstream: expect.stringContaining('502 Bad Gateway'),
    });
  });

  it('answers 504 upstream_timeout when the first token takes too long', async () => {
    const slowOllama: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/api/chat')) await sleep(1500, undefined, { signal: init?.signal ?? undefined });
      return fetch(input, init);
    };
    const slow = await chatHarness(database, { fetch: slowOllama, env: { CHAT_FIRST_TOKEN_TIMEOUT_MS: '300' } });
    const hank = await slow.user();
    const id = await hank.newConversation();
    const before = await storedCounts(database);
    const response = await hank.call('POST', `/chat/conversations/${id}/messages`, { content: 'quick?' });
    expect(await problemOf(response)).toEqual({ status: 504, code: 'upstream_timeout' });
    expect(await storedCounts(database)).toEqual(before);
  });
});

describe('a client that leaves before the reply starts, with cancelOnDisconnect', () => {
  it('stops the wait for Ollama, undoes the writes and frees the slot', async () => {
    // An Ollama that never answers a chat: only the client's leave can end the wait.
    const waits = { aborted: 0 };
    const slowOllama: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/api/chat')) {
        await new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => {
            waits.aborted++;
            reject(init.signal?.reason);
          }),
        );
      }
      return fetch(input, init);
    };
    const slow = await chatHarness(database, { fetch: slowOllama });
    const slowBase = await slow.serve();
    const ivy = await slow.user();
    const id = await ivy.newConversation();
    const before = await storedCounts(database);
    const client = new AbortController();
    const pending = fetch(
      `${slowBase}/chat/conversations/${id}/messages`,
      request('POST', ivy.token, { content: 'never mind', cancelOnDisconnect: true }, client.signal),
    ).catch((error: unknown) => error);
    const conversationId = ObjectId.createFromHexString(id);
    await waitFor(async () => (await messages().countDocuments({ conversationId })) === 2);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(async () => (await messages().countDocuments({ conversationId })) === 0);
    expect(waits).toEqual({ aborted: 1 });
    expect(await storedCounts(database)).toEqual(before);
    await waitFor(async () => slow.lines.some((line) => line.msg === 'request' && line.status === 499));
  });
});

describe('bad input', () => {
  let id: string;
  beforeAll(async () => {
    id = await alice.newConversation();
  });

  const cases: Array<[string, number, string, unknown]> = [
    ['malformed JSON', 400, 'malformed_json', '{"content": "hi"'],
    ['no content', 400, 'validation_failed', {}],
    ['empty content', 400, 'validation_failed', { content: '' }],
    ['blank content', 400, 'validation_failed', { content: ' \n\t ' }],
    ['oversized content', 400, 'validation_failed', { content: 'x'.repeat(32 * 1024 + 1) }],
    ['content oversized in UTF-8 bytes', 400, 'validation_failed', { content: 'ü'.repeat(16 * 1024 + 1) }],
    ['an operator object as content', 400, 'validation_failed', { content: { $ne: null } }],
    ['an unknown field', 400, 'validation_failed', { content: 'hi', role: 'system' }],
    ['an unknown option', 400, 'validation_failed', { content: 'hi', options: { num_gpu: 99 } }],
    ['an operator object as option', 400, 'validation_failed', { content: 'hi', options: { seed: { $gt: 1 } } }],
    ['num_predict above the ceiling', 400, 'validation_failed', { content: 'hi', options: { num_predict: 40_001 } }],
    ['a negative temperature', 400, 'validation_failed', { content: 'hi', options: { temperature: -1 } }],
    ['num_ctx above the ceiling', 400, 'validation_failed', { content: 'hi', options: { num_ctx: 10_000_000 } }],
    ['a non-boolean stream', 400, 'validation_failed', { content: 'hi', stream: 'yes' }],
  ];

  it.each(cases)('answers %s with %i %s and stores nothing', async (_name, status, code, body) => {
    const before = await storedCounts(database);
    expect(await problemOf(await alice.call('POST', `/chat/conversations/${id}/messages`, body))).toEqual({
      status,
      code,
    });
    expect(await storedCounts(database)).toEqual(before);
  });

  it('points at the offending field', async () => {
    const response = await alice.call('POST', `/chat/conversations/${id}/messages`, {
      content: 'hi',
      options: { top_p: 2, extra: 1 },
    });
    const problem = (await response.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map((error) => error.pointer).sort()).toEqual(['/options/extra', '/options/top_p']);
  });

  it.each([
    ['a bad id', '/chat/conversations/nope/messages', 400, 'validation_failed'],
    ['an unknown conversation', `/chat/conversations/${new ObjectId().toHexString()}/messages`, 404, 'not_found'],
  ])('answers %s with %i %s and stores nothing', async (_name, path, status, code) => {
    const before = await storedCounts(database);
    expect(await problemOf(await alice.call('POST', path, { content: 'hi' }))).toEqual({ status, code });
    expect(await storedCounts(database)).toEqual(before);
  });

  it('answers a body over the body limit with 413 payload_too_large', async () => {
    const before = await storedCounts(database);
    const response = await alice.call('POST', `/chat/conversations/${id}/messages`, { content: 'x'.repeat(70_000) });
    expect(await problemOf(response)).toEqual({ status: 413, code: 'payload_too_large' });
    expect(await storedCounts(database)).toEqual(before);
  });
});
