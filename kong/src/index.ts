export {
  COMMITTED_KONG_FILES,
  type CommittedKongFile,
  KNATIVE_NAMESPACE,
  KNATIVE_START_CONFIG_PATH,
  renderCommittedFile,
  renderKnativeStartConfig,
} from './committed-files.ts';
export {
  JWT_ALGORITHMS,
  type KongConsumer,
  KongConsumerSchema,
  type KongDeclarativeConfig,
  KongDeclarativeConfigSchema,
  type KongJwtSecret,
  KongJwtSecretSchema,
  type KongPlugin,
  KongPluginSchema,
  type KongRoute,
  KongRouteSchema,
  type KongService,
  KongServiceSchema,
  KongTargetSchema,
  type KongUpstream,
  KongUpstreamSchema,
} from './declarative-schema.ts';
export {
  jwtConsumers,
  type PublicSigningKey,
  publicKeyPem,
  SigningKeyError,
  signingKeyConsumerName,
} from './jwt-consumers.ts';
export { kongYamlDigest, toKongYaml } from './kong-yaml.ts';
export {
  API_KEY_HEADER_PATTERN,
  FUNCTIONS,
  type FunctionName,
  type HttpMethod,
  INTERNAL_PATHS,
  kongPath,
  PUBLIC_ROUTES,
  type PublicRoute,
  type RateLimitTier,
} from './public-routes.ts';
export {
  CONFIG_DIGEST_TAG_PREFIX,
  DEFAULT_RATE_LIMITS,
  digestFromTags,
  KONG_TAG,
  kongConfigDigest,
  type RateLimit,
  type RenderKongConfigOptions,
  renderKongConfig,
} from './render-config.ts';
export {
  composeUpstreams,
  type FunctionUpstream,
  type FunctionUpstreams,
  KOURIER_INTERNAL_URL,
  knativeUpstreams,
  kongUpstreamsEnv,
} from './upstreams.ts';
