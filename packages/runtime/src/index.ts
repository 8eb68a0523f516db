export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  type AccessTokenKeys,
  type AccessTokenVerifierOptions,
  bearerToken,
  createAccessTokenVerifier,
  keySet,
  type Principal,
  type PrincipalVariables,
  ROLES,
  type Role,
  requireAccessToken,
  requireRole,
  type VerifyAccessToken,
} from './auth/access-token.ts';
export { type AccessTokenConfig, configuredVerifier } from './auth/configured-verifier.ts';
export { createSessionCheck, type SessionCheck, type SessionCheckOptions } from './auth/session-check.ts';
export { type CachedLookupOptions, cachedLookup } from './cache/cached-lookup.ts';
export { RecentMap } from './cache/recent-map.ts';
export {
  accessTokenEnv,
  accessTokenKeysOf,
  envBoolean,
  envHttpUrl,
  envInteger,
  envJwkSet,
  mongoEnv,
  type PublicJwks,
  p256Jwk,
  requireKeySource,
  serverEnv,
} from './config/env.ts';
export { ConfigError, parseConfig, type ReadConfigOptions, readConfigOrExit } from './config/load-config.ts';
export { AppError, type AppErrorInit, type FieldError } from './errors/app-error.ts';
export {
  isDatabaseUnreachable,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemResponse,
  problemTypeUri,
  toAppError,
  toProblem,
} from './errors/problem-response.ts';
export {
  conflict,
  databaseUnavailable,
  forbidden,
  headersTooLarge,
  internalError,
  malformedJson,
  malformedRequest,
  notFound,
  payloadTooLarge,
  rateLimited,
  requestTimeout,
  shuttingDown,
  unauthorized,
  unsupportedMediaType,
  upstreamUnavailable,
  validationFailed,
} from './errors/problems.ts';
export { type ApiInfo, addApiDocs } from './http/api-docs.ts';
export { cursorParam, encodeCursor } from './http/cursor.ts';
export { createFunctionApp, type FunctionApp, type FunctionAppOptions, type FunctionEnv } from './http/function-app.ts';
export { addHealthRoutes, HEALTH_PATHS, type HealthOptions, type ReadinessCheck } from './http/health-routes.ts';
export { createOpenApiApp, jsonBody, jsonResponse, ProblemSchema, problem, toFieldErrors } from './http/openapi.ts';
export { limitBody, refuseWhileDraining, requireJsonBodies } from './http/request-guards.ts';
export { type LogVariables, requestLog } from './http/request-log.ts';
export {
  createLogger,
  LOG_LEVELS,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './log/logger.ts';
export { createHttpMetrics, type HttpMetrics } from './metrics/http-metrics.ts';
export { Counter, Gauge, Histogram, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './metrics/registry.ts';
export { connectMongo, type Mongo, type MongoOptions } from './mongo/connect-mongo.ts';
export { createLifecycle, type Lifecycle } from './server/lifecycle.ts';
export {
  type FunctionConfig,
  type FunctionContext,
  type RunFunctionOptions,
  type RunStatelessFunctionOptions,
  runFunction,
  runStatelessFunction,
  type ServerConfig,
} from './server/run-function.ts';
export {
  type RunningFunction,
  type ServeFunctionOptions,
  type StartupFacts,
  serveFunction,
} from './server/serve-function.ts';
