import { COLLECTIONS } from '@zerochat/data';
import { canonicalModelName } from '@zerochat/ollama';
import type { Logger } from '@zerochat/runtime';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { describeFailure } from '../bootstrap/failure.ts';
import type { Gateway } from '../kong/gateway-config.ts';
import { isDbLess, kongSyncState } from '../kong/kong-sync.ts';
import type { OllamaClients } from '../ollama-client.ts';
import { type KnativeApi, summariseServices } from './knative-services.ts';

const Health = z
  .enum(['ok', 'degraded', 'unavailable', 'not_configured'])
  .describe('`not_configured`: the function was not told where to find it (it does not count).');

const section = {
  status: Health,
  error: z.string().optional().describe('Why it is not ok, in a few words; the log has the details.'),
};

const MongoStatus = z.object({
  ...section,
  latencyMs: z.number().int().optional(),
  users: z.object({ total: z.number().int(), admins: z.number().int(), disabled: z.number().int() }).optional(),
  conversations: z.number().int().optional(),
  messages: z.number().int().optional(),
});

const ModelPresence = z.object({ name: z.string(), installed: z.boolean().optional() });

const OllamaStatus = z.object({
  ...section,
  host: z.string(),
  version: z.string().optional(),
  models: z
    .array(z.object({ name: z.string(), sizeBytes: z.number(), modifiedAt: z.string(), loaded: z.boolean() }))
    .optional(),
  loaded: z
    .array(z.object({ name: z.string(), sizeBytes: z.number(), vramBytes: z.number(), expiresAt: z.string() }))
    .optional()
    .describe('Models in memory now: a request to them needs no load.'),
  zerochatModel: ModelPresence,
  baseModel: ModelPresence,
});

const KongStatus = z.object({
  ...section,
  adminUrl: z.string().optional(),
  version: z.string().optional(),
  mode: z.enum(['db-less', 'database']).optional(),
  database: z.string().optional(),
  configInSync: z.boolean().optional(),
  expectedDigest: z.string().optional(),
  runningDigest: z.string().nullable().optional(),
});

const KnativeStatus = z.object({
  ...section,
  namespace: z.string(),
  services: z
    .array(
      z.object({
        name: z.string(),
        ready: z.boolean(),
        reason: z.string().nullable(),
        url: z.string().nullable(),
        latestCreatedRevision: z.string().nullable(),
        latestReadyRevision: z.string().nullable(),
        desiredReplicas: z.number().nullable(),
        actualReplicas: z.number().nullable(),
        pods: z
          .array(
            z.object({
              name: z.string(),
              revision: z.string().nullable(),
              phase: z.string(),
              ready: z.boolean(),
              restarts: z.number().int(),
              waiting: z.string().nullable(),
            }),
          )
          .describe('Its pods, of every revision: none when scaled to zero.'),
      }),
    )
    .optional(),
});

export const StatusDocumentSchema = z.object({
  status: z.enum(['ok', 'degraded']).describe('`ok` when every configured dependency is; else `degraded`.'),
  checkedAt: z.iso.datetime(),
  mongodb: MongoStatus,
  ollama: OllamaStatus,
  kong: KongStatus,
  knative: KnativeStatus,
});

type Section = { status: z.output<typeof Health>; error?: string };
type MongoStatus = z.output<typeof MongoStatus>;
type OllamaStatus = z.output<typeof OllamaStatus>;
type KongStatus = z.output<typeof KongStatus>;
type KnativeStatus = z.output<typeof KnativeStatus>;
export type StatusDocument = z.output<typeof StatusDocumentSchema>;

export interface StatusSources {
  db: Db;
  ollama: OllamaClients;
  ollamaHost: string;
  model: string;
  baseModel: string;
  kong: Gateway | undefined;
  knative: KnativeApi | undefined;
  namespace: string;
  log: Logger;
  now: () => Date;
  /** How long each dependency may take to answer. */
  timeoutMs?: number;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))),
    ),
  ]);
}

async function mongoStatus(db: Db): Promise<MongoStatus> {
  const started = performance.now();
  await db.command({ ping: 1 });
  const latencyMs = Math.round(performance.now() - started);
  const users = db.collection(COLLECTIONS.users);
  const [total, admins, disabled, conversations, messages] = await Promise.all([
    users.countDocuments({}),
    users.countDocuments({ role: 'admin', disabled: false }),
    users.countDocuments({ disabled: true }),
    db.collection(COLLECTIONS.conversations).estimatedDocumentCount(),
    db.collection(COLLECTIONS.messages).estimatedDocumentCount(),
  ]);
  return { status: 'ok', latencyMs, users: { total, admins, disabled }, conversations, messages };
}

async function ollamaStatus(sources: StatusSources, timeoutMs: number): Promise<OllamaStatus> {
  const ollama = sources.ollama(timeoutMs);
  const [{ version }, { models }, running] = await Promise.all([ollama.version(), ollama.list(), ollama.ps()]);
  const loaded = new Set(running.models.map((model) => canonicalModelName(model.name)));
  const installed = new Set(models.map((model) => canonicalModelName(model.name)));
  const zerochatInstalled = installed.has(sources.model);
  return {
    status: zerochatInstalled ? 'ok' : 'degraded',
    ...(zerochatInstalled ? {} : { error: `${sources.model} is not installed: run the bootstrap` }),
    host: sources.ollamaHost,
    version,
    models: models.map((model) => ({
      name: canonicalModelName(model.name),
      sizeBytes: model.size,
      modifiedAt: new Date(model.modified_at).toISOString(),
      loaded: loaded.has(canonicalModelName(model.name)),
    })),
    loaded: running.models.map((model) => ({
      name: canonicalModelName(model.name),
      sizeBytes: model.size,
      vramBytes: model.size_vram,
      expiresAt: new Date(model.expires_at).toISOString(),
    })),
    zerochatModel: { name: sources.model, installed: zerochatInstalled },
    baseModel: { name: sources.baseModel, installed: installed.has(sources.baseModel) },
  };
}

async function kongStatus(kong: Gateway): Promise<KongStatus> {
  const state = await kongSyncState(kong.admin, await kong.render());
  return {
    status: state.inSync ? 'ok' : 'degraded',
    ...(state.inSync ? {} : { error: 'Kong runs another config: run the bootstrap' }),
    adminUrl: kong.admin.url,
    version: state.node.version,
    mode: isDbLess(state.node) ? 'db-less' : 'database',
    database: state.node.database,
    configInSync: state.inSync,
    expectedDigest: state.expectedDigest,
    runningDigest: state.runningDigest ?? null,
  };
}

async function knativeStatus(knative: KnativeApi, namespace: string): Promise<KnativeStatus> {
  const [services, revisions, pods] = await Promise.all([
    knative.listServices(namespace),
    knative.listRevisions(namespace),
    knative.listPods(namespace),
  ]);
  const summary = summariseServices(services, revisions, pods);
  const notReady = summary.filter((service) => !service.ready).map((service) => service.name);
  return {
    status: notReady.length ? 'degraded' : 'ok',
    ...(notReady.length ? { error: `not ready: ${notReady.join(', ')}` } : {}),
    namespace,
    services: summary,
  };
}

/**
 * Asks every dependency how it is, in parallel and each within a time limit. A dependency
 * that fails is reported as such inside the document; collecting the status itself never fails.
 */
export async function collectStatus(sources: StatusSources): Promise<StatusDocument> {
  const timeoutMs = sources.timeoutMs ?? 3000;
  const check = async <S extends Section>(name: string, work: () => Promise<S>, fallback: Omit<S, keyof Section>) => {
    try {
      return await withTimeout(work(), timeoutMs);
    } catch (error) {
      sources.log.warn('status check failed', { dependency: name, err: error });
      return { ...fallback, status: 'unavailable' as const, error: describeFailure(error) } as S;
    }
  };
  const { kong, knative } = sources;
  const [mongodb, ollama, kongSection, knativeSection] = await Promise.all([
    check<MongoStatus>('mongodb', () => mongoStatus(sources.db), {}),
    check<OllamaStatus>('ollama', () => ollamaStatus(sources, timeoutMs), {
      host: sources.ollamaHost,
      zerochatModel: { name: sources.model },
      baseModel: { name: sources.baseModel },
    }),
    kong
      ? check<KongStatus>('kong', () => kongStatus(kong), { adminUrl: kong.admin.url })
      : Promise.resolve<KongStatus>({ status: 'not_configured', error: 'KONG_ADMIN_URL is not set' }),
    knative
      ? check<KnativeStatus>('knative', () => knativeStatus(knative, sources.namespace), {
          namespace: sources.namespace,
        })
      : Promise.resolve<KnativeStatus>({
          status: 'not_configured',
          namespace: sources.namespace,
          error: 'not in a Kubernetes cluster, and KUBECONFIG is not set',
        }),
  ]);
  const sections = [mongodb, ollama, kongSection, knativeSection];
  const healthy = sections.every((section) => section.status === 'ok' || section.status === 'not_configured');
  return {
    status: healthy ? 'ok' : 'degraded',
    checkedAt: sources.now().toISOString(),
    mongodb,
    ollama,
    kong: kongSection,
    knative: knativeSection,
  };
}
