import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { COLLECTIONS, type ConversationDocument, type MessageDocument, type SearchIndexDocument } from '@zerochat/data';
import { cacheDir, freePort, provideMongo, reapLeftovers } from '@zerochat/local-services';
import { MongoClient, ObjectId } from 'mongodb';
import { prepareFixtures } from '../cold-start/fixtures.ts';
import { type Summary, summarize } from '../cold-start/statistics.ts';
import { startServer } from '../load/server-process.ts';
import { describeMachine, type Machine } from '../report/machine.ts';

export interface SearchBenchOptions {
  /** Messages of the searching user (and as many of another user's in the same collection). */
  messages: number;
  conversations: number;
  /** Timed searches per query. */
  repeats: number;
  progress: (line: string) => void;
  /** MONGODB_URI, when set, is used instead of starting FerretDB. */
  env?: NodeJS.ProcessEnv;
}

export interface SearchBenchReport {
  schema: 'zerochat/bench/search@1';
  createdAt: string;
  machine: Machine;
  database: string;
  messages: number;
  conversations: number;
  /** The first search of a user without an index: it is built from their messages, once. */
  firstSearchMs: number;
  /** The user's index: its text, and as stored (compressed). */
  indexBytes: { text: number; stored: number };
  rows: Array<{ name: string; request: string; ms: Summary; found: number }>;
}

// Text that compresses as chat does (about 3×, the index is stored gzip-compressed): words of
// a 4 000-word vocabulary of made-up syllables, drawn with Zipf's law as in natural language,
// so common words match in most conversations and rare ones in few. Deterministic.
const SYLLABLES = 'ka lo mi ne ru sa te vi do pa ge hu ri zo ba ly fe tu wa xi qu co'.split(' ');
const VOCABULARY = Array.from({ length: 4000 }, (_, rank) => {
  let word = '';
  for (let n = rank + 1, i = 0; n > 0 || i < 2; n = Math.floor(n / SYLLABLES.length), i++) {
    word += SYLLABLES[(n * 7 + i * 3) % SYLLABLES.length];
  }
  return word;
});
const TOPICS = ['telescope', 'sourdough', 'kubernetes', 'marathon', 'espresso'];
/** Cumulative Zipf weights (s = 1), for drawing a rank with one random number. */
const ZIPF = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((weight) => (sum += weight / total));
})();

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

function messageText(index: number, words: number): string {
  const random = seededRandom(index + 1);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    const draw = random();
    // About one message in 40 mentions a topic word.
    if (draw < 0.0002) parts.push(TOPICS[Math.floor(random() * TOPICS.length)] as string);
    else parts.push(VOCABULARY[ZIPF.findIndex((bound) => bound >= draw)] as string);
  }
  return parts.join(' ');
}

/** A user's conversations and messages: alternating questions (~25 words) and replies (~150). */
async function seed(client: MongoClient, dbName: string, userId: ObjectId, options: SearchBenchOptions) {
  const db = client.db(dbName);
  const now = Date.now();
  const conversations: ConversationDocument[] = Array.from({ length: options.conversations }, (_, i) => ({
    _id: new ObjectId(),
    userId,
    title: `${TOPICS[i % TOPICS.length]} notes ${i + 1}`,
    model: 'zerochat:latest',
    systemPrompt: null,
    createdAt: new Date(now - (options.conversations - i) * 3_600_000),
    updatedAt: new Date(now - (options.conversations - i) * 60_000),
  }));
  await db.collection<ConversationDocument>(COLLECTIONS.conversations).insertMany(conversations);
  const messages = db.collection<MessageDocument>(COLLECTIONS.messages);
  let batch: MessageDocument[] = [];
  for (let i = 0; i < options.messages; i++) {
    const role = i % 2 === 0 ? 'user' : 'assistant';
    batch.push({
      _id: new ObjectId(),
      conversationId: (conversations[Math.floor(i / 2) % conversations.length] as ConversationDocument)._id,
      userId,
      role,
      // One needle in the whole history, with characters a pattern would give a meaning.
      content: messageText(i, role === 'user' ? 25 : 150) + (i === Math.floor(options.messages / 3) ? ' (a+b)*c?' : ''),
      status: 'complete',
      model: role === 'user' ? null : 'zerochat:latest',
      usage: null,
      createdAt: new Date(now - (options.messages - i) * 1000),
    });
    if (batch.length === 1000) {
      await messages.insertMany(batch);
      batch = [];
    }
  }
  if (batch.length) await messages.insertMany(batch);
  return conversations.map((conversation) => conversation._id);
}

/**
 * `GET /chat/conversations?q=…` of the chat function (from source, in a process of its own)
 * for a user with `messages` messages, on FerretDB unless MONGODB_URI is set, next to what a
 * `$regex` over the messages collection costs there: the query search would be without its
 * index. Requests are sent one at a time, so each figure is one search's latency.
 */
export async function runSearchBenchmark(options: SearchBenchOptions): Promise<SearchBenchReport> {
  const { progress } = options;
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-search-'));
  const registryDir = join(scratch, 'run');
  const mongo = await provideMongo({
    env: options.env ?? process.env,
    cacheDir: cacheDir(),
    dataDir: scratch,
    registryDir,
    report: progress,
  });
  const dbName = `search_${Date.now()}`;
  const client = new MongoClient(mongo.url);
  const servers: Array<{ stop(): Promise<void> }> = [];
  try {
    const fixtures = await prepareFixtures(mongo.url, dbName);
    const userId = ObjectId.createFromHexString(fixtures.user.id);
    progress(`seeding ${options.messages} messages for the user and as many for another one ...`);
    const conversations = await seed(client, dbName, userId, options);
    await seed(client, dbName, new ObjectId(), options);
    const chat = await startServer({
      command: process.execPath,
      args: [join(import.meta.dirname, '../load/subjects/chat-from-source.ts')],
      env: { NODE_ENV: 'production', ...fixtures.env, OLLAMA_HOST: 'http://127.0.0.1:9' },
      port: await freePort(),
      readinessPath: '/readyz',
    });
    servers.push(chat);
    const call = async (method: 'GET' | 'DELETE', path: string, status: number) => {
      const started = performance.now();
      const response = await fetch(`${chat.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${fixtures.user.token}` },
      });
      const body = (response.status === 204 ? {} : await response.json()) as { items?: unknown[] };
      if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, found: body.items?.length ?? 0 };
    };
    const get = (path: string) => call('GET', path, 200);

    const first = await get('/chat/conversations?q=sourdough');
    progress(`first search (builds the index): ${first.ms.toFixed(0)} ms`);
    // The index is stored by a fold in the background, a second after the first search and
    // as long again as that search took: wait for it.
    const indexes = client.db(dbName).collection<SearchIndexDocument>(COLLECTIONS.searchIndex);
    let index = await indexes.findOne({ _id: userId });
    for (const giveUp = performance.now() + 60_000; !index; index = await indexes.findOne({ _id: userId })) {
      if (performance.now() > giveUp) throw new Error('the index was not stored within 60 s of the first search');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const stored = index.lines.buffer;
    const indexBytes = { text: gunzipSync(stored).length, stored: stored.length };
    progress(`index: ${indexBytes.text} bytes of text, ${indexBytes.stored} stored`);

    const rows: SearchBenchReport['rows'] = [];
    const timed = async (name: string, request: string, run: () => Promise<{ ms: number; found: number }>) => {
      const samples: number[] = [];
      let found = 0;
      for (let i = 0; i < options.repeats; i++) {
        const result = await run();
        samples.push(result.ms);
        found = result.found;
      }
      const ms = summarize(samples);
      progress(`${name}: p50 ${ms.median.toFixed(0)} ms, p90 ${ms.p90.toFixed(0)} ms, ${found} found`);
      rows.push({ name, request, ms, found });
    };
    for (const [name, q] of [
      ['a rare word', 'telescope'],
      ['a word in every conversation', VOCABULARY[0] as string],
      [`pattern characters, once in ${options.messages} messages`, '(a+b)*c?'],
      ['nothing matches', 'zeppelin'],
    ] as const) {
      await timed(`search: ${name}`, `GET /chat/conversations?q=${q}`, () =>
        get(`/chat/conversations?q=${encodeURIComponent(q)}`),
      );
    }
    await timed('the list without a search', 'GET /chat/conversations', () => get('/chat/conversations'));
    const messages = client.db(dbName).collection<MessageDocument>(COLLECTIONS.messages);
    await timed('without the index: $regex over the messages', 'find({userId, content: /telescope/i})', async () => {
      const started = performance.now();
      const found = await messages
        .find({ userId, content: { $regex: 'telescope', $options: 'i' } }, { projection: { conversationId: 1 } })
        .toArray();
      return { ms: performance.now() - started, found: new Set(found.map((m) => m.conversationId.toHexString())).size };
    });

    // Last, as it deletes conversations. A deletion asks for a fold of the user's index a
    // second later, which reads, rewrites and compresses all of it: the slowest list request
    // of the 2.5 s after it tells how long chat's event loop is held meanwhile.
    await timed('the list while the index is folded', 'GET /chat/conversations after a deletion', async () => {
      const deleted = conversations.pop();
      if (!deleted) throw new Error('no conversation left to delete: fewer conversations than repeats');
      await call('DELETE', `/chat/conversations/${deleted.toHexString()}`, 204);
      const until = performance.now() + 2500;
      let slowest = { ms: 0, found: 0 };
      while (performance.now() < until) {
        const listed = await get('/chat/conversations');
        if (listed.ms >= slowest.ms) slowest = listed;
      }
      return slowest;
    });

    const info = await client.db('admin').command({ buildInfo: 1 });
    return {
      schema: 'zerochat/bench/search@1',
      createdAt: new Date().toISOString(),
      machine: describeMachine(),
      database: info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`,
      messages: options.messages,
      conversations: options.conversations,
      firstSearchMs: first.ms,
      indexBytes,
      rows,
    };
  } finally {
    for (const server of servers) await server.stop();
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await mongo.stop();
    await reapLeftovers(registryDir);
    await rm(scratch, { recursive: true, force: true });
  }
}
