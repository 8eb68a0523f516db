import { describe, expect, it } from 'vitest';
import { KongDeclarativeConfigSchema } from './declarative-schema.ts';
import { renderKongConfig } from './render-config.ts';
import { composeUpstreams } from './upstreams.ts';

// biome-ignore lint/suspicious/noExplicitAny: the cases below break arbitrary parts of the JSON on purpose
type Json = any;

const valid = (): Json => structuredClone(renderKongConfig({ upstreams: composeUpstreams() }));

// Each case breaks one thing that Kong would reject (or that could never work) in a valid config.
const broken: Array<[string, (config: Json) => void]> = [
  ['an unknown top-level key', (c) => (c.routez = [])],
  ['another format version', (c) => (c._format_version = '2.1')],
  ['a misspelled route field', (c) => (c.services[0].routes[0].response_bufering = false)],
  ['an unknown plugin', (c) => c.plugins.push({ name: 'jwt-keycloak', config: {} })],
  ['an unknown field in a plugin config', (c) => (c.plugins[0].config.echo_upstream = true)],
  ['a jwt claim Kong cannot verify', (c) => (c.services[1].routes[0].plugins[0].config.claims_to_verify = ['aud'])],
  ['a service host with a scheme', (c) => (c.services[0].host = 'http://auth')],
  ['a timeout of 0', (c) => (c.services[0].read_timeout = 0)],
  ['a route path without a slash', (c) => (c.services[0].routes[0].paths = ['auth/login'])],
  ['a broken regex path', (c) => (c.services[0].routes[0].paths = ['~/auth/(login'])],
  ['a lowercase method', (c) => (c.services[0].routes[0].methods = ['post'])],
  ['a tag with a slash', (c) => (c.services[0].tags = ['a/b'])],
  ['two routes with one name', (c) => (c.services[0].routes[1].name = c.services[0].routes[0].name)],
  [
    'a rate limit without limits',
    (c) => (c.plugins.find((p: Json) => p.name === 'rate-limiting').config = { limit_by: 'ip' }),
  ],
  [
    'an hourly limit below the minute limit',
    (c) => Object.assign(c.plugins.find((p: Json) => p.name === 'rate-limiting').config, { minute: 100, hour: 10 }),
  ],
  [
    'the cluster policy (needs a database)',
    (c) => (c.plugins.find((p: Json) => p.name === 'rate-limiting').config.policy = 'cluster'),
  ],
  [
    'an ES256 credential without its public key',
    (c) => c.consumers.push({ username: 'x', jwt_secrets: [{ key: 'k', algorithm: 'ES256' }] }),
  ],
  [
    'a credential with an unknown algorithm',
    (c) => c.consumers.push({ username: 'x', jwt_secrets: [{ key: 'k', algorithm: 'ES257' }] }),
  ],
  ['a consumer without username or custom_id', (c) => c.consumers.push({ tags: ['x'] })],
  ['an unknown field in a credential', (c) => c.consumers.push({ username: 'x', jwt_secrets: [{ kid: 'k' }] })],
  ['an upstream target with a scheme', (c) => (c.upstreams = [{ name: 'u', targets: [{ target: 'http://x:80' }] }])],
];

describe('KongDeclarativeConfigSchema', () => {
  it('accepts the rendered config', () => {
    expect(KongDeclarativeConfigSchema.safeParse(valid()).error).toBeUndefined();
  });

  it.each(broken)('rejects %s', (_, breakIt) => {
    const config = valid();
    breakIt(config);
    expect(KongDeclarativeConfigSchema.safeParse(config).success).toBe(false);
  });
});
