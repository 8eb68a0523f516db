// Ollama failing mid-reply, for real: its model runner killed (Ollama then sends an
// {"error": ...} line) and Ollama itself killed (the connection drops), then started again.
import { COLLECTIONS, type MessageDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { childProcesses, type OwnOllama, useOwnOllama } from '../../../../test/support/own-ollama.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import {
  allEvents,
  type ChatHarness,
  chatHarness,
  problemOf,
  request,
  type SseEvent,
  sseEvents,
  storedCounts,
  type TestUser,
} from '../../test/harness.ts';

const database = useTestDatabase();
const messages = () => database.db.collection<MessageDocument>(COLLECTIONS.messages);

/**
 * A chat and an Ollama of the calling describe's own, so each failure starts from processes
 * that nothing broke before, whatever ran first.
 */
function useChatOnBreakableOllama() {
  const ollama = useOwnOllama();
  const scene = {} as { chat: ChatHarness; base: string; user: TestUser };
  beforeAll(async () => {
    scene.chat = await chatHarness(database, { ollamaHost: ollama.server.host });
    scene.base = await scene.chat.serve();
    scene.user = await scene.chat.user();
  });
  return { ollama, scene };
}

/** Kills the model runner of `ollama` (Ollama then ends the reply with an {"error"} line). */
async function crashRunner(ollama: OwnOllama): Promise<void> {
  const runners = (await childProcesses(ollama.server.pid ?? 0)).filter((child) =>
    / runner /.test(`${child.command} `),
  );
  expect(runners).toHaveLength(1);
  for (const runner of runners) process.kill(runner.pid, 'SIGKILL');
}

/** Streams a long reply, runs `breakOllama` after some text arrived, and returns every event. */
async function streamAndBreak(
  { base, user }: { base: string; user: TestUser },
  id: string,
  breakOllama: () => Promise<void>,
): Promise<SseEvent[]> {
  const response = await fetch(
    `${base}/chat/conversations/${id}/messages`,
    request('POST', user.token, { content: 'a long story please', options: { num_predict: 40_000 } }),
  );
  expect(response.status).toBe(200);
  const events: SseEvent[] = [];
  let broken = false;
  for await (const event of sseEvents(response)) {
    events.push(event);
    if (!broken && events.length === 10) {
      broken = true;
      await breakOllama();
    }
  }
  return events;
}

/** What an error event and the stored messages must show after a failure mid-reply. */
async function expectFailedReply(id: string, events: SseEvent[], code: string): Promise<void> {
  const last = events.at(-1);
  expect(last?.event).toBe('error');
  expect(last?.data).toMatchObject({ status: code === 'upstream_error' ? 502 : 503, code });
  // Ollama's own words stay in the log.
  expect(JSON.stringify(last?.data)).not.toMatch(/EOF|runner|encountered|terminated|socket|127\.0\.0\.1/);
  expect(events.filter((event) => event.event === 'message.done')).toEqual([]);

  const streamed = events
    .filter((event) => event.event === 'message.delta')
    .map((event) => event.data.content)
    .join('');
  const stored = await messages()
    .find({ conversationId: ObjectId.createFromHexString(id) })
    .sort({ createdAt: 1, _id: 1 })
    .toArray();
  expect(stored).toEqual([
    expect.objectContaining({ role: 'user', content: 'a long story please', status: 'complete' }),
    expect.objectContaining({ role: 'assistant', status: 'error', usage: null }),
  ]);
  // The text that made it out before the failure is kept.
  expect(stored[1]?.content.startsWith(streamed)).toBe(true);
  expect(await database.db.collection(COLLECTIONS.generationSlots).countDocuments()).toBe(0);
}

describe('when the model runner crashes mid-reply', () => {
  const { ollama, scene } = useChatOnBreakableOllama();

  it('a crashed model runner ({"error"} line) ends the stream with an upstream_error event', async () => {
    const { chat, user } = scene;
    const id = await user.newConversation();
    const events = await streamAndBreak(scene, id, () => crashRunner(ollama));
    await expectFailedReply(id, events, 'upstream_error');
    const logged = chat.lines.find((line) => line.msg === 'the reply broke off');
    expect(logged).toMatchObject({
      kind: 'failed',
      upstream: expect.stringContaining('error'),
      requestId: expect.any(String),
    });

    // Ollama starts a new runner for the next request.
    expect((await user.ask(id, 'again')).status).toBe(200);
  });
});

describe('when Ollama itself is killed mid-reply', () => {
  const { ollama, scene } = useChatOnBreakableOllama();

  it('a killed Ollama gives an upstream_unavailable event; while it is down, 503; once back, replies work', async () => {
    const { base, user } = scene;
    const id = await user.newConversation();
    const events = await streamAndBreak(scene, id, () => ollama.server.kill());
    await expectFailedReply(id, events, 'upstream_unavailable');

    const before = await storedCounts(database);
    const down = await user.call('POST', `/chat/conversations/${id}/messages`, { content: 'hello?' });
    expect(await problemOf(down)).toEqual({ status: 503, code: 'upstream_unavailable' });
    expect(await storedCounts(database)).toEqual(before);

    await ollama.server.start();
    const back = await fetch(
      `${base}/chat/conversations/${id}/messages`,
      request('POST', user.token, { content: 'are you back?', options: { num_predict: 6 } }),
    );
    const replayed = await allEvents(back);
    expect(replayed.at(-1)).toMatchObject({ event: 'message.done', data: { finishReason: 'length' } });
    const history = (await (await user.call('GET', `/chat/conversations/${id}`)).json()) as {
      messages: Array<{ role: string; status: string }>;
    };
    expect(history.messages.map((message) => `${message.role}:${message.status}`)).toEqual([
      'user:complete',
      'assistant:error',
      'user:complete',
      'assistant:complete',
    ]);

    // A process that saw Ollama go away still tells a later runner crash from a lost
    // connection: Ollama's error line, 502, not 503.
    const later = await user.newConversation();
    await expectFailedReply(later, await streamAndBreak(scene, later, () => crashRunner(ollama)), 'upstream_error');
  });
});
