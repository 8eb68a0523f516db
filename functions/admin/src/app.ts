import {
  createAccounts,
  createPasswordHasher,
  DEFAULT_PASSWORD_HASH_PARAMS,
  DEFAULT_SESSION_LIFETIMES,
} from '@zerochat/accounts';
import { COLLECTIONS, deleteUserData, type ProcessedEventDocument } from '@zerochat/data';
import type { Modelfile } from '@zerochat/ollama';
import {
  type AccessTokenKeys,
  accessTokenKeysOf,
  configuredVerifier,
  createFunctionApp,
  type FunctionApp,
  type Lifecycle,
  type Logger,
  MetricsRegistry,
} from '@zerochat/runtime';
import type { Db } from 'mongodb';
import packageJson from '../package.json' with { type: 'json' };
import type { AdminContext } from './admin-context.ts';
import { adminAccountStep } from './bootstrap/admin-account.ts';
import { createBootstrap } from './bootstrap/bootstrap.ts';
import { kongConfigStep } from './bootstrap/kong-config.ts';
import { mongodbIndexesStep } from './bootstrap/mongodb-indexes.ts';
import { type BaseModelSource, ollamaModelsStep, pullFrom } from './bootstrap/ollama-models.ts';
import type { AdminSettings } from './config.ts';
import { type EventSenderVerifier, sharedSecretVerifier, unauthenticatedSender } from './events/event-senders.ts';
import { oidcIssuer } from './events/oidc-issuer.ts';
import { oidcSenderVerifier } from './events/oidc-sender.ts';
import { serviceAccountFetch } from './events/service-account-fetch.ts';
import { type Gateway, gatewayConfigRenderer } from './kong/gateway-config.ts';
import { createKongAdmin } from './kong/kong-admin.ts';
import { kubernetesStartConfigStore } from './kong/start-config.ts';
import { type OllamaClients, ollamaClients } from './ollama-client.ts';
import { requireAdmin } from './routes/admin-access.ts';
import { addApiKeyRoutes } from './routes/api-keys.ts';
import { addBootstrapRoutes } from './routes/bootstrap.ts';
import { addEventRoutes } from './routes/events.ts';
import { addStatusRoutes } from './routes/status.ts';
import { addUserRoutes } from './routes/users.ts';
import { type KnativeApi, kubernetesKnativeApi } from './status/knative-services.ts';
import { collectStatus } from './status/status.ts';
import { createAdminRoster } from './users/admin-roster.ts';

export interface AdminDeps {
  config: AdminSettings;
  log: Logger;
  lifecycle: Lifecycle;
  mongo: { db: Db; ping(): Promise<void> };
  /** ollama/Modelfile, parsed: what the zerochat model is made of. */
  modelfile: Modelfile;
  /** How the base model gets into Ollama when it is missing; a pull by default. */
  baseModelSource?: BaseModelSource;
  /** The Knative services for /admin/status; by default the Kubernetes API when there is a cluster. */
  knative?: KnativeApi;
  /** Used for Ollama, Kong's admin API and a JWKS URL; the global fetch by default. */
  fetch?: typeof fetch;
  /** Injected so tests can move time. */
  now?: () => Date;
}

function eventSenderVerifiers(config: AdminSettings, log: Logger, now: () => Date): EventSenderVerifier[] {
  if (config.ADMIN_EVENTS_AUTH === 'none') {
    log.warn('ADMIN_EVENTS_AUTH=none: anyone who reaches /admin/events can request a bootstrap');
    return [unauthenticatedSender];
  }
  if (config.ADMIN_EVENTS_AUTH === 'oidc') {
    return [
      oidcSenderVerifier({
        issuer: oidcIssuer({
          baseUrl: config.ADMIN_EVENTS_OIDC_DISCOVERY_URL,
          fetch: serviceAccountFetch(config.ADMIN_EVENTS_OIDC_SERVICE_ACCOUNT_DIR),
        }),
        audience: config.ADMIN_EVENTS_OIDC_AUDIENCE ?? '',
        subjects: config.ADMIN_EVENTS_OIDC_SUBJECTS ?? [],
        now,
      }),
    ];
  }
  return [sharedSecretVerifier(config.ADMIN_EVENTS_SECRET ?? '')];
}

/** The admin function as a Hono app; no side effects, everything it touches comes in `deps`. */
export function createApp(deps: AdminDeps): FunctionApp {
  const { config, mongo } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = new MetricsRegistry();
  // Sessions are only ended here (disabled accounts), never issued: their lifetime is auth's.
  const accounts = createAccounts({
    db: mongo.db,
    hasher: createPasswordHasher(DEFAULT_PASSWORD_HASH_PARAMS),
    sessions: DEFAULT_SESSION_LIFETIMES,
    now,
  });
  const ollama: OllamaClients = ollamaClients({
    host: config.OLLAMA_HOST,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const keys: AccessTokenKeys = accessTokenKeysOf(config);
  const kubernetes = { kubeconfig: config.KUBECONFIG, inCluster: config.KUBERNETES_SERVICE_HOST !== undefined };
  const gateway: Gateway | undefined =
    config.KONG_ADMIN_URL && config.KONG_UPSTREAMS
      ? {
          admin: createKongAdmin({ url: config.KONG_ADMIN_URL, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
          render: gatewayConfigRenderer({
            upstreams: config.KONG_UPSTREAMS,
            corsOrigins: config.KONG_CORS_ORIGINS,
            keys,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
          }),
          startConfig: config.KONG_START_CONFIGMAP
            ? kubernetesStartConfigStore(kubernetes, config.KUBERNETES_NAMESPACE, config.KONG_START_CONFIGMAP)
            : undefined,
        }
      : undefined;

  const bootstrap = createBootstrap({
    log: deps.log,
    metrics,
    now,
    steps: [
      mongodbIndexesStep(mongo.db),
      adminAccountStep({
        users: accounts.users,
        email: config.BOOTSTRAP_ADMIN_EMAIL,
        password: config.BOOTSTRAP_ADMIN_PASSWORD,
        promoteExisting: config.BOOTSTRAP_ADMIN_PROMOTE_EXISTING,
      }),
      ollamaModelsStep({
        ollama,
        modelfile: deps.modelfile,
        model: config.ZEROCHAT_MODEL,
        baseModel: config.ZEROCHAT_BASE_MODEL,
        baseModelSource: deps.baseModelSource ?? pullFrom(ollama),
      }),
      kongConfigStep(gateway),
    ],
  });
  const knative = deps.knative ?? kubernetesKnativeApi(kubernetes);
  const verifyAccessToken = configuredVerifier(config, { db: mongo.db, now, keys });

  const services: AdminContext = {
    bootstrap,
    users: accounts.users,
    sessions: accounts.sessions,
    apiKeys: accounts.apiKeys,
    processedEvents: mongo.db.collection<ProcessedEventDocument>(COLLECTIONS.processedEvents),
    requireAdmin: requireAdmin(verifyAccessToken, accounts.users),
    roster: createAdminRoster({ db: mongo.db, now }),
    deleteUserData: (userId) => deleteUserData(mongo.db, userId),
    indexesReady: accounts.indexesReady,
    status: () =>
      collectStatus({
        db: mongo.db,
        ollama,
        ollamaHost: config.OLLAMA_HOST,
        model: config.ZEROCHAT_MODEL,
        baseModel: config.ZEROCHAT_BASE_MODEL,
        kong: gateway,
        knative,
        namespace: config.KUBERNETES_NAMESPACE,
        log: deps.log,
        now,
      }),
    metrics,
    namespace: config.KUBERNETES_NAMESPACE,
    eventSenders: eventSenderVerifiers(config, deps.log, now),
    eventSources: config.ADMIN_EVENT_SOURCES,
    now,
  };

  const app = createFunctionApp({
    name: 'admin',
    api: {
      title: 'zerochat admin',
      version: packageJson.version,
      description: 'Bootstrap (CloudEvents and on demand), gateway configuration, status and users.',
    },
    log: deps.log,
    lifecycle: deps.lifecycle,
    metrics,
    readiness: { mongodb: () => mongo.ping() },
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
  });
  addEventRoutes(app, services);
  addBootstrapRoutes(app, services);
  addStatusRoutes(app, services);
  addUserRoutes(app, services);
  addApiKeyRoutes(app, services);
  return app;
}
