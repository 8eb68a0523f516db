import { z } from 'zod';

// Kong Gateway 3.x declarative configuration (`_format_version: "3.0"`), as far as zerochat
// uses it: services with nested routes, upstreams with targets, consumers with jwt
// credentials, and the plugins jwt, cors, rate-limiting, request-size-limiting, prometheus and
// correlation-id. Written from Kong's entity and plugin reference (3.9); every object is strict,
// so a misspelled or unknown field fails here instead of at Kong's `/config` endpoint.

const HTTP_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

/** Printable ASCII except `,` and `/`, or UTF-8 (Kong's tag rule). */
const tag = z.string().regex(/^[ !-+\-.0-~\u0080-\u{10FFFF}]+$/u, 'a tag must not contain "," or "/"');
const tags = z.array(tag).optional();
/** Kong entity names: letters, digits and `.`, `-`, `_`, `~`. */
const name = z.string().regex(/^[A-Za-z0-9._~-]+$/, 'may contain only letters, digits, ".", "-", "_" and "~"');
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    {
      message: 'must be a hostname',
    },
  );
const hostWithOptionalPort = z.string().regex(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'must be a host with an optional port');
const port = z.number().int().min(0).max(65_535);
/** Timeouts in milliseconds: 1 to 2^31 - 2. */
const timeout = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 2);
const path = z
  .string()
  .startsWith('/')
  .refine((value) => !value.includes('//'), 'must not have empty segments');
const protocols = z.array(z.enum(['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp'])).min(1);

/** A route path: `/prefix` (prefix match) or `~/regex` (regex, anchored at the start). */
const routePath = z
  .string()
  .regex(/^~?\//, 'must start with "/" (prefix) or "~/" (regex)')
  .refine((value) => !value.includes('//'), 'must not have empty segments')
  .refine((value) => {
    if (!value.startsWith('~')) return true;
    try {
      new RegExp(value.slice(1));
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');

/** Kong's routes.lua: any header but Host, which belongs in `hosts`. */
const routeHeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a header name')
  .refine((header) => header.toLowerCase() !== 'host', "cannot be 'host': use hosts");

/**
 * Values a header must have; Kong's router reads a value starting with `~*` as a
 * case-insensitive regex, and only when it is the header's one value.
 */
const routeHeaderValues = z
  .array(z.string().min(1))
  .min(1)
  .refine(
    (values) => values.length === 1 || values.every((value) => !value.startsWith('~*')),
    'a regex (~*) must be the only value of its header',
  )
  .refine(
    (values) =>
      values.every((value) => {
        if (!value.startsWith('~*')) return true;
        try {
          new RegExp(value.slice(2));
          return true;
        } catch {
          return false;
        }
      }),
    'must be a valid regular expression after "~*"',
  );

// --- plugins --------------------------------------------------------------------------------

const pluginCommon = {
  instance_name: name.optional(),
  enabled: z.boolean().optional(),
  protocols: protocols.optional(),
  tags,
};

const jwtConfig = z
  .strictObject({
    uri_param_names: z.array(z.string()).optional(),
    cookie_names: z.array(z.string()).optional(),
    header_names: z.array(z.string()).optional(),
    key_claim_name: z.string().min(1).optional(),
    secret_is_base64: z.boolean().optional(),
    claims_to_verify: z.array(z.enum(['exp', 'nbf'])).optional(),
    anonymous: z.string().optional(),
    run_on_preflight: z.boolean().optional(),
    maximum_expiration: z.number().min(0).max(31_536_000).optional(),
    realm: z.string().optional(),
  })
  .refine(
    (config) => !config.maximum_expiration || config.claims_to_verify?.includes('exp'),
    'maximum_expiration needs "exp" in claims_to_verify',
  );

const corsConfig = z.strictObject({
  origins: z
    .array(
      z.string().refine((origin) => {
        if (origin === '*') return true;
        try {
          new RegExp(origin);
          return true;
        } catch {
          return false;
        }
      }, 'must be "*", an origin or a regular expression'),
    )
    .optional(),
  headers: z.array(z.string()).optional(),
  exposed_headers: z.array(z.string()).optional(),
  methods: z.array(z.enum(HTTP_METHODS)).optional(),
  max_age: z.number().min(0).optional(),
  credentials: z.boolean().optional(),
  private_network: z.boolean().optional(),
  preflight_continue: z.boolean().optional(),
});

const RATE_LIMIT_PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;

const rateLimitingConfig = z
  .strictObject({
    second: z.number().positive().optional(),
    minute: z.number().positive().optional(),
    hour: z.number().positive().optional(),
    day: z.number().positive().optional(),
    month: z.number().positive().optional(),
    year: z.number().positive().optional(),
    limit_by: z.enum(['consumer', 'credential', 'ip', 'service', 'header', 'path']).optional(),
    header_name: z.string().optional(),
    path: path.optional(),
    // "cluster" needs a database; "redis" needs a redis block that zerochat does not use.
    policy: z.enum(['local']).optional(),
    fault_tolerant: z.boolean().optional(),
    hide_client_headers: z.boolean().optional(),
    error_code: z.number().positive().optional(),
    error_message: z.string().optional(),
  })
  .refine((config) => RATE_LIMIT_PERIODS.some((period) => config[period] !== undefined), 'needs at least one limit')
  .refine((config) => {
    const limits = RATE_LIMIT_PERIODS.map((period) => config[period]).filter((limit) => limit !== undefined);
    return limits.every((limit, index) => index === 0 || limit >= (limits[index - 1] ?? 0));
  }, 'a longer period cannot have a lower limit than a shorter one')
  .refine((config) => config.limit_by !== 'header' || config.header_name, 'limit_by "header" needs header_name')
  .refine((config) => config.limit_by !== 'path' || config.path, 'limit_by "path" needs path');

const requestSizeLimitingConfig = z.strictObject({
  allowed_payload_size: z.number().int().positive().optional(),
  size_unit: z.enum(['bytes', 'kilobytes', 'megabytes']).optional(),
  require_content_length: z.boolean().optional(),
});

const prometheusConfig = z.strictObject({
  per_consumer: z.boolean().optional(),
  status_code_metrics: z.boolean().optional(),
  ai_metrics: z.boolean().optional(),
  latency_metrics: z.boolean().optional(),
  bandwidth_metrics: z.boolean().optional(),
  upstream_health_metrics: z.boolean().optional(),
});

const correlationIdConfig = z.strictObject({
  header_name: z.string().min(1).optional(),
  generator: z.enum(['uuid', 'uuid#counter', 'tracker']).optional(),
  echo_downstream: z.boolean().optional(),
});

export const KongPluginSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('jwt'), config: jwtConfig, ...pluginCommon }),
  z.strictObject({ name: z.literal('cors'), config: corsConfig, ...pluginCommon }),
  z.strictObject({ name: z.literal('rate-limiting'), config: rateLimitingConfig, ...pluginCommon }),
  z.strictObject({ name: z.literal('request-size-limiting'), config: requestSizeLimitingConfig, ...pluginCommon }),
  z.strictObject({ name: z.literal('prometheus'), config: prometheusConfig, ...pluginCommon }),
  z.strictObject({ name: z.literal('correlation-id'), config: correlationIdConfig, ...pluginCommon }),
]);
export type KongPlugin = z.output<typeof KongPluginSchema>;

// --- entities -------------------------------------------------------------------------------

export const KongRouteSchema = z
  .strictObject({
    name,
    protocols: z
      .array(z.enum(['http', 'https']))
      .min(1)
      .optional(),
    methods: z.array(z.enum(HTTP_METHODS)).min(1).optional(),
    hosts: z.array(z.string()).optional(),
    paths: z.array(routePath).min(1).optional(),
    headers: z.record(routeHeaderName, routeHeaderValues).optional(),
    https_redirect_status_code: z
      .union([z.literal(426), z.literal(301), z.literal(302), z.literal(307), z.literal(308)])
      .optional(),
    regex_priority: z.number().int().optional(),
    strip_path: z.boolean().optional(),
    path_handling: z.enum(['v0', 'v1']).optional(),
    preserve_host: z.boolean().optional(),
    request_buffering: z.boolean().optional(),
    response_buffering: z.boolean().optional(),
    tags,
    plugins: z.array(KongPluginSchema).optional(),
  })
  .refine((route) => route.methods || route.hosts || route.paths || route.headers, {
    message: 'a route needs at least one of methods, hosts, paths or headers',
  });
export type KongRoute = z.output<typeof KongRouteSchema>;

export const KongServiceSchema = z.strictObject({
  name,
  protocol: z.enum(['http', 'https']),
  host: hostname,
  port,
  path: path.optional(),
  retries: z.number().int().min(0).max(32_767).optional(),
  connect_timeout: timeout.optional(),
  write_timeout: timeout.optional(),
  read_timeout: timeout.optional(),
  enabled: z.boolean().optional(),
  tags,
  routes: z.array(KongRouteSchema).optional(),
  plugins: z.array(KongPluginSchema).optional(),
});
export type KongService = z.output<typeof KongServiceSchema>;

export const KongTargetSchema = z.strictObject({
  target: hostWithOptionalPort,
  weight: z.number().int().min(0).max(65_535).optional(),
  tags,
});

export const KongUpstreamSchema = z.strictObject({
  name: hostname,
  host_header: hostWithOptionalPort.optional(),
  algorithm: z.enum(['round-robin', 'consistent-hashing', 'least-connections', 'latency']).optional(),
  slots: z
    .number()
    .int()
    .min(10)
    .max(2 ** 16)
    .optional(),
  tags,
  targets: z.array(KongTargetSchema).optional(),
});
export type KongUpstream = z.output<typeof KongUpstreamSchema>;

export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const;

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n?$/;

export const KongJwtSecretSchema = z
  .strictObject({
    key: z.string().min(1).optional(),
    algorithm: z.enum(JWT_ALGORITHMS).optional(),
    rsa_public_key: z.string().regex(PEM_PUBLIC_KEY, 'must be a PEM public key (SPKI)').optional(),
    secret: z.string().optional(),
    tags,
  })
  .refine(
    // Kong itself only insists for RSA, PS and EdDSA; for ES* its handler verifies with the
    // same field, so a credential without it could never accept a token.
    (secret) => (secret.algorithm ?? 'HS256').startsWith('HS') || secret.rsa_public_key !== undefined,
    { message: 'asymmetric algorithms need rsa_public_key (the PEM public key)', path: ['rsa_public_key'] },
  );
export type KongJwtSecret = z.output<typeof KongJwtSecretSchema>;

export const KongConsumerSchema = z
  .strictObject({
    username: z.string().min(1).optional(),
    custom_id: z.string().min(1).optional(),
    tags,
    jwt_secrets: z.array(KongJwtSecretSchema).optional(),
    plugins: z.array(KongPluginSchema).optional(),
  })
  .refine((consumer) => consumer.username || consumer.custom_id, 'a consumer needs a username or a custom_id');
export type KongConsumer = z.output<typeof KongConsumerSchema>;

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export const KongDeclarativeConfigSchema = z
  .strictObject({
    _format_version: z.literal('3.0'),
    _transform: z.boolean().optional(),
    _comment: z.string().optional(),
    services: z.array(KongServiceSchema).optional(),
    upstreams: z.array(KongUpstreamSchema).optional(),
    consumers: z.array(KongConsumerSchema).optional(),
    plugins: z.array(KongPluginSchema).optional(),
  })
  .superRefine((config, ctx) => {
    const services = config.services ?? [];
    const routes = services.flatMap((service) => service.routes ?? []);
    const consumers = config.consumers ?? [];
    const unique: Array<[string, string[]]> = [
      ['service names', services.map((service) => service.name)],
      ['route names', routes.map((route) => route.name)],
      ['upstream names', (config.upstreams ?? []).map((upstream) => upstream.name)],
      ['consumer usernames', consumers.flatMap((consumer) => consumer.username ?? [])],
      ['consumer custom_ids', consumers.flatMap((consumer) => consumer.custom_id ?? [])],
      ['jwt keys', consumers.flatMap((consumer) => (consumer.jwt_secrets ?? []).flatMap((secret) => secret.key ?? []))],
      ['global plugins', (config.plugins ?? []).map((plugin) => plugin.instance_name ?? plugin.name)],
    ];
    for (const [what, values] of unique) {
      const repeated = duplicates(values);
      if (repeated.length) ctx.addIssue({ code: 'custom', message: `${what} must be unique: ${repeated.join(', ')}` });
    }
    for (const [where, plugins] of [
      ...services.map((service) => [`service ${service.name}`, service.plugins ?? []] as const),
      ...routes.map((route) => [`route ${route.name}`, route.plugins ?? []] as const),
    ]) {
      const repeated = duplicates(plugins.map((plugin) => plugin.name));
      if (repeated.length) ctx.addIssue({ code: 'custom', message: `${where} has ${repeated.join(', ')} twice` });
    }
  });
export type KongDeclarativeConfig = z.output<typeof KongDeclarativeConfigSchema>;
