import { createHash } from 'node:crypto';
import {
  type KongDeclarativeConfig,
  KongDeclarativeConfigSchema,
  type KongPlugin,
  type KongRoute,
  type KongService,
  type KongUpstream,
} from './declarative-schema.ts';
import { jwtConsumers, type PublicSigningKey } from './jwt-consumers.ts';
import {
  API_KEY_HEADER_PATTERN,
  FUNCTIONS,
  type FunctionName,
  kongPath,
  PUBLIC_ROUTES,
  type PublicRoute,
  type RateLimitTier,
} from './public-routes.ts';
import type { FunctionUpstreams } from './upstreams.ts';

/** Requests per period and client address; longer periods must allow at least as many. */
export interface RateLimit {
  second?: number;
  minute?: number;
  hour?: number;
}

export interface RenderKongConfigOptions {
  upstreams: FunctionUpstreams;
  /**
   * The public signing keys (the `keys` of the auth function's JWKS). Without keys the config
   * has no jwt credentials, so Kong rejects every token on protected routes with 401.
   */
  signingKeys?: readonly PublicSigningKey[];
  /** `Access-Control-Allow-Origin` values: origins, regexes or `*` (the default). */
  corsOrigins?: readonly string[];
  /** Largest request body in bytes; the functions' BODY_LIMIT_BYTES (64 KiB) by default. */
  maxBodyBytes?: number;
  rateLimits?: Partial<Record<'default' | RateLimitTier, RateLimit>>;
}

export const DEFAULT_RATE_LIMITS: Readonly<Record<'default' | RateLimitTier, RateLimit>> = {
  default: { second: 20, minute: 600 },
  login: { minute: 10, hour: 60 },
  register: { minute: 5, hour: 20 },
  messages: { minute: 30, hour: 600 },
  // Per credential (each API key, each access token), not per address: a tool may send many
  // completions from one address on behalf of many people, each with their own key.
  openai: { second: 5, minute: 120, hour: 2400 },
};

/** Tiers counted per credential (the Authorization header) instead of per client address. */
const PER_CREDENTIAL: ReadonlySet<RateLimitTier> = new Set(['openai']);

/** Per function: how long Kong waits for the first byte of a reply (and between two reads). */
const READ_TIMEOUT_MS: Readonly<Record<FunctionName, number>> = {
  auth: 120_000,
  // A cold start of chat can include loading the model into Ollama before the first token.
  chat: 300_000,
  // A synchronous bootstrap may pull the base model.
  admin: 600_000,
  // Files from memory: a cold start is the only wait.
  web: 60_000,
};

/** Every entity carries this tag, so zerochat's entities can be told apart in Kong. */
export const KONG_TAG = 'zerochat';
/** Prefix of the tag on every service that carries the digest of the whole rendered config. */
export const CONFIG_DIGEST_TAG_PREFIX = 'zerochat-config-sha256:';

const JWT_PLUGIN: KongPlugin = {
  name: 'jwt',
  config: {
    // The auth function puts the signing key's id in the token header; each key is a credential.
    key_claim_name: 'kid',
    claims_to_verify: ['exp'],
    header_names: ['authorization'],
    // Tokens only in the Authorization header: never in URLs (logs) or cookies (CSRF).
    uri_param_names: [],
    cookie_names: [],
    secret_is_base64: false,
    // Preflights carry no token; the cors plugin answers them.
    run_on_preflight: false,
  },
  tags: [KONG_TAG],
};

function rateLimitPlugin(limit: RateLimit, instance?: string, perCredential = false): KongPlugin {
  const by = perCredential
    ? { limit_by: 'header' as const, header_name: 'authorization' }
    : { limit_by: 'ip' as const };
  return {
    name: 'rate-limiting',
    ...(instance ? { instance_name: instance } : {}),
    config: { ...limit, ...by, policy: 'local', fault_tolerant: true, hide_client_headers: false },
    tags: [KONG_TAG],
  };
}

/** Kong answers 413 to a larger body before it reaches a function; a route's own one replaces the global one. */
function requestSizePlugin(bytes: number, instance?: string): KongPlugin {
  return {
    name: 'request-size-limiting',
    ...(instance ? { instance_name: instance } : {}),
    config: { allowed_payload_size: bytes, size_unit: 'bytes', require_content_length: false },
    tags: [KONG_TAG],
  };
}

function globalPlugins(options: RenderKongConfigOptions, limits: Record<'default' | RateLimitTier, RateLimit>) {
  const plugins: KongPlugin[] = [
    {
      name: 'correlation-id',
      // The functions take x-request-id from the request, so one id follows a request end to end.
      config: { header_name: 'x-request-id', generator: 'uuid', echo_downstream: true },
      tags: [KONG_TAG],
    },
    {
      name: 'cors',
      config: {
        origins: [...(options.corsOrigins ?? ['*'])],
        methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        headers: ['Accept', 'Authorization', 'Content-Type', 'Last-Event-ID', 'X-Request-Id'],
        exposed_headers: [
          'Retry-After',
          'WWW-Authenticate',
          'X-Request-Id',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
        ],
        credentials: false,
        max_age: 600,
        preflight_continue: false,
      },
      tags: [KONG_TAG],
    },
    requestSizePlugin(options.maxBodyBytes ?? 64 * 1024),
    rateLimitPlugin(limits.default),
    {
      name: 'prometheus',
      config: {
        per_consumer: false,
        status_code_metrics: true,
        latency_metrics: true,
        bandwidth_metrics: true,
        upstream_health_metrics: true,
      },
      tags: [KONG_TAG],
    },
  ];
  return plugins;
}

/**
 * The Kong routes of one public route. A `token-or-key` route becomes two: one for requests
 * whose Authorization has an API key's form (matched by a header regex, which Kong's router
 * prefers to a route without headers; the function checks the key), and one with the jwt
 * plugin for everything else, so a request with neither credential is refused at the edge.
 */
function kongRoutesOf(route: PublicRoute, limits: Record<'default' | RateLimitTier, RateLimit>): KongRoute[] {
  const rateLimit = (suffix = '') =>
    route.rateLimit
      ? [
          rateLimitPlugin(
            limits[route.rateLimit],
            `${route.name}${suffix}-rate-limit`,
            PER_CREDENTIAL.has(route.rateLimit),
          ),
        ]
      : [];
  const kongRoute = (name: string, plugins: KongPlugin[], headers?: Record<string, string[]>): KongRoute => ({
    name,
    protocols: ['http', 'https'],
    // OPTIONS too, so that a browser's preflight matches and the cors plugin can answer it.
    methods: [...route.methods, 'OPTIONS'],
    paths: [kongPath(route.path)],
    ...(headers ? { headers } : {}),
    strip_path: false,
    preserve_host: false,
    request_buffering: true,
    // A buffered stream would reach the client only when the reply is complete.
    response_buffering: !route.streaming,
    tags: [KONG_TAG],
    ...(plugins.length ? { plugins } : {}),
  });
  const sizeLimit = route.maxBodyBytes ? [requestSizePlugin(route.maxBodyBytes, `${route.name}-size-limit`)] : [];
  const checked = [...(route.access === 'public' ? [] : [JWT_PLUGIN]), ...rateLimit(), ...sizeLimit];
  const routes = [kongRoute(route.name, checked)];
  if (route.access === 'token-or-key') {
    routes.push(kongRoute(`${route.name}-key`, rateLimit('-key'), { authorization: [API_KEY_HEADER_PATTERN] }));
  }
  return routes;
}

function routesOf(fn: FunctionName, limits: Record<'default' | RateLimitTier, RateLimit>): KongRoute[] {
  return PUBLIC_ROUTES.filter((route) => route.function === fn).flatMap((route) => kongRoutesOf(route, limits));
}

function serviceAndUpstream(
  fn: FunctionName,
  options: RenderKongConfigOptions,
  limits: Record<'default' | RateLimitTier, RateLimit>,
) {
  const { url, hostHeader } = options.upstreams[fn];
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  const port = parsed.port ? Number(parsed.port) : protocol === 'https' ? 443 : 80;
  const upstreamName = `${fn}-upstream`;
  const service: KongService = {
    name: fn,
    protocol,
    // With a host header, the service points at an upstream entity that sets it.
    host: hostHeader ? upstreamName : parsed.hostname,
    port,
    // Not retried: several routes are not idempotent (refresh-token rotation, chat messages).
    retries: 0,
    connect_timeout: 10_000,
    write_timeout: 60_000,
    read_timeout: READ_TIMEOUT_MS[fn],
    tags: [KONG_TAG],
    routes: routesOf(fn, limits),
  };
  const upstream: KongUpstream | undefined = hostHeader
    ? {
        name: upstreamName,
        host_header: hostHeader,
        tags: [KONG_TAG],
        targets: [{ target: `${parsed.hostname}:${port}`, tags: [KONG_TAG] }],
      }
    : undefined;
  return { service, upstream };
}

/** JSON with object keys sorted, so the digest does not depend on key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The digest of a rendered config (without its digest tags): equal configs have equal digests. */
export function kongConfigDigest(config: KongDeclarativeConfig): string {
  const services = (config.services ?? []).map((service) => ({
    ...service,
    tags: service.tags?.filter((tag) => !tag.startsWith(CONFIG_DIGEST_TAG_PREFIX)),
  }));
  return createHash('sha256')
    .update(canonicalJson({ ...config, services }))
    .digest('hex');
}

/**
 * Kong's declarative configuration for zerochat: a service per function with a route per
 * public endpoint, jwt credentials for the given signing keys, and the gateway plugins. The
 * result is validated against the declarative schema before it is returned.
 */
export function renderKongConfig(options: RenderKongConfigOptions): KongDeclarativeConfig {
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const parts = FUNCTIONS.map((fn) => serviceAndUpstream(fn, options, limits));
  const upstreams = parts.flatMap((part) => part.upstream ?? []);
  const config: KongDeclarativeConfig = {
    _format_version: '3.0',
    _transform: true,
    services: parts.map((part) => part.service),
    ...(upstreams.length ? { upstreams } : {}),
    consumers: jwtConsumers(options.signingKeys ?? [], [KONG_TAG]),
    plugins: globalPlugins(options, limits),
  };
  const digestTag = `${CONFIG_DIGEST_TAG_PREFIX}${kongConfigDigest(config)}`;
  for (const service of config.services ?? []) service.tags = [...(service.tags ?? []), digestTag];
  return KongDeclarativeConfigSchema.parse(config);
}

/** The digest a running Kong reports through a service's tags, if it runs a rendered config. */
export function digestFromTags(tags: readonly string[] | undefined): string | undefined {
  return tags?.find((tag) => tag.startsWith(CONFIG_DIGEST_TAG_PREFIX))?.slice(CONFIG_DIGEST_TAG_PREFIX.length);
}
