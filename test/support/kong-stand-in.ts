import { createPublicKey, verify } from 'node:crypto';
import {
  type KongDeclarativeConfig,
  KongDeclarativeConfigSchema,
  type KongPlugin,
  type KongRoute,
} from '@zerochat/kong';
import { parse } from 'yaml';

// A stand-in for Kong 3.9, which cannot run here: what a DB-less Kong does with the file it
// loads at start (KONG_DECLARATIVE_CONFIG), and what its jwt plugin answers to a token. It
// follows Kong 3.9.1's own code, kong/plugins/jwt/{daos,schema,handler,jwt_parser}.lua: the
// same lookups in the same order, and the same messages.

/**
 * What Kong's declarative loader would accept at start, or throws as Kong would refuse to
 * start: the format (the schema of @zerochat/kong, written from Kong's entity reference) and,
 * as daos.lua's validate_ssl_key, public keys OpenSSL can read.
 */
export function kongStartsFrom(text: string): KongDeclarativeConfig {
  const config = KongDeclarativeConfigSchema.parse(parse(text));
  for (const consumer of config.consumers ?? []) {
    for (const secret of consumer.jwt_secrets ?? []) {
      if (secret.rsa_public_key !== undefined) createPublicKey(secret.rsa_public_key);
    }
  }
  return config;
}

export interface KongAnswer {
  /** 200 when the plugin lets the request through to the function. */
  status: number;
  message?: string;
  errors?: Record<string, string>;
  /** The consumer Kong authenticated, by username. */
  consumer?: string;
}

type JwtConfig = {
  uri_param_names?: string[];
  cookie_names?: string[];
  header_names?: string[];
  key_claim_name?: string;
  secret_is_base64?: boolean;
  claims_to_verify?: Array<'exp' | 'nbf'>;
  run_on_preflight?: boolean;
  maximum_expiration?: number;
};

const decodePart = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** jwt_parser.lua's verifier, for the one algorithm zerochat signs with. */
function signatureValid(alg: string, data: string, signature: Buffer, key: string): boolean {
  if (alg !== 'ES256') throw new Error(`the Kong stand-in does not verify ${alg}`);
  // "The JWS Signature value MUST be a 64-octet sequence" (raw r || s).
  if (signature.length !== 64) return false;
  return verify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, signature);
}

const unauthorized = (message?: string, errors?: Record<string, string>): KongAnswer => ({
  status: 401,
  ...(message ? { message } : {}),
  ...(errors ? { errors } : {}),
});

/** The jwt plugin of a route, as it would run in Kong's access phase (handler.lua do_authentication). */
export function kongJwtAccess(
  config: KongDeclarativeConfig,
  plugin: KongPlugin,
  request: { method: string; headers: Record<string, string | undefined> },
  nowSeconds = Date.now() / 1000,
): KongAnswer {
  const conf = plugin.config as JwtConfig;
  if (conf.run_on_preflight === false && request.method === 'OPTIONS') return { status: 200 };
  const keyClaim = conf.key_claim_name ?? 'iss';
  let token: string | undefined;
  for (const name of conf.header_names ?? ['authorization']) {
    const match = /\s*[Bb]earer\s+(.+)/.exec(request.headers[name.toLowerCase()] ?? '');
    if (match?.[1]) token = match[1];
  }
  if (!token) return unauthorized('Unauthorized');

  const [headerPart = '', claimsPart = '', signaturePart = ''] = token.split('.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodePart(headerPart);
    claims = decodePart(claimsPart);
  } catch {
    return unauthorized('Bad token; invalid JSON');
  }
  const key = claims[keyClaim] ?? header[keyClaim];
  if (key === undefined) return unauthorized(`No mandatory '${keyClaim}' in claims`);
  if (key === '') return unauthorized(`Invalid '${keyClaim}' in claims`);

  const consumer = (config.consumers ?? []).find((candidate) =>
    (candidate.jwt_secrets ?? []).some((secret) => secret.key === key),
  );
  const secret = consumer?.jwt_secrets?.find((candidate) => candidate.key === key);
  if (!consumer || !secret) return unauthorized(`No credentials found for given '${keyClaim}'`);

  const algorithm = secret.algorithm ?? 'HS256';
  if (header.alg !== algorithm) return unauthorized('Invalid algorithm');
  // HS* would verify with `secret` (base64-decoded with secret_is_base64); zerochat signs ES256.
  const value = algorithm.startsWith('HS') ? secret.secret : secret.rsa_public_key;
  if (!value) return unauthorized('Invalid key/secret');
  if (!signatureValid(algorithm, `${headerPart}.${claimsPart}`, Buffer.from(signaturePart, 'base64url'), value)) {
    return unauthorized('Invalid signature');
  }

  const errors: Record<string, string> = {};
  for (const claim of conf.claims_to_verify ?? []) {
    const value = claims[claim];
    if (typeof value !== 'number') errors[claim] = 'must be a number';
    else if (claim === 'exp' && value <= nowSeconds) errors.exp = 'token expired';
    else if (claim === 'nbf' && value > nowSeconds) errors.nbf = 'token not valid yet';
  }
  if (Object.keys(errors).length) return unauthorized(undefined, errors);
  const maximum = conf.maximum_expiration ?? 0;
  if (maximum > 0 && (typeof claims.exp !== 'number' || claims.exp - nowSeconds > maximum)) {
    return unauthorized(undefined, { exp: 'exceeds maximum allowed expiration' });
  }
  return { status: 200, consumer: consumer.username ?? consumer.custom_id ?? '' };
}

/** The jwt plugin on a route of the config, by the route's name. */
export function routeJwtPlugin(config: KongDeclarativeConfig, routeName: string): KongPlugin {
  const route = (config.services ?? [])
    .flatMap((service) => service.routes ?? [])
    .find((candidate: KongRoute) => candidate.name === routeName);
  const plugin = route?.plugins?.find((candidate) => candidate.name === 'jwt');
  if (!plugin) throw new Error(`route ${routeName} has no jwt plugin`);
  return plugin;
}
