import { verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signAccessToken, testSigningKey } from '../../test/support/keys.ts';
import { matchRoute } from '../../test/support/kong-routing.ts';
import { COMMITTED_KONG_FILES, renderCommittedFile } from './committed-files.ts';
import { type KongDeclarativeConfig, KongDeclarativeConfigSchema } from './declarative-schema.ts';
import { API_KEY_HEADER_PATTERN, INTERNAL_PATHS, PUBLIC_ROUTES } from './public-routes.ts';
import {
  CONFIG_DIGEST_TAG_PREFIX,
  DEFAULT_RATE_LIMITS,
  digestFromTags,
  kongConfigDigest,
  renderKongConfig,
} from './render-config.ts';
import { composeUpstreams, knativeUpstreams, kongUpstreamsEnv } from './upstreams.ts';

const root = join(import.meta.dirname, '../..');
const routes = (config: KongDeclarativeConfig) => (config.services ?? []).flatMap((service) => service.routes ?? []);
const routeNamed = (config: KongDeclarativeConfig, name: string) => routes(config).find((route) => route.name === name);

const samplePath = (path: string) => path.replace(/\{\w+\}/g, '65a1f0c2b3d4e5f6a7b8c9d0');

describe('renderKongConfig', () => {
  const compose = renderKongConfig({ upstreams: composeUpstreams() });

  it('produces a config that passes the declarative schema', () => {
    expect(KongDeclarativeConfigSchema.safeParse(compose).success).toBe(true);
    expect(compose._format_version).toBe('3.0');
  });

  it('routes every public route to its function, with OPTIONS for preflights', () => {
    for (const route of PUBLIC_ROUTES) {
      for (const method of [...route.methods, 'OPTIONS']) {
        const matched = matchRoute(compose, method, samplePath(route.path));
        expect(matched?.name, `${method} ${route.path}`).toBe(route.name);
      }
      const service = compose.services?.find((candidate) => candidate.routes?.some((r) => r.name === route.name));
      expect(service?.name).toBe(route.function);
    }
  });

  it('never routes the internal paths, unknown paths or longer paths', () => {
    for (const path of [
      ...INTERNAL_PATHS,
      '/auth/login/x',
      '/auth/login.php',
      '/chat',
      '/admin/events/x',
      '/x/auth/me',
    ]) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        expect(matchRoute(compose, method, path), `${method} ${path}`).toBeUndefined();
      }
    }
  });

  it('keeps the function prefixes (no path stripping) and leaves the Host to the upstream', () => {
    for (const route of routes(compose)) {
      expect(route).toMatchObject({ strip_path: false, preserve_host: false });
    }
  });

  it('streams the reply routes and the downloads unbuffered and buffers everything else', () => {
    const streaming = routes(compose).filter((route) => route.response_buffering === false);
    expect(streaming.map((route) => route.name)).toEqual([
      'chat-messages',
      'chat-message-edit',
      'chat-message-regenerate',
      'chat-message-continue',
      'chat-reply-events',
      'chat-conversation-export',
      'chat-export',
      'v1-chat-completions',
      'v1-chat-completions-key',
    ]);
    expect(matchRoute(compose, 'POST', samplePath('/chat/conversations/{id}/messages'))?.response_buffering).toBe(
      false,
    );
  });

  it('checks tokens at the edge on every token route and on no public one', () => {
    for (const route of PUBLIC_ROUTES) {
      const plugins = routeNamed(compose, route.name)?.plugins ?? [];
      const jwt = plugins.find((plugin) => plugin.name === 'jwt');
      if (route.access !== 'public') {
        expect(jwt?.config, route.name).toMatchObject({
          key_claim_name: 'kid',
          claims_to_verify: ['exp'],
          run_on_preflight: false,
          uri_param_names: [],
        });
      } else {
        expect(jwt, route.name).toBeUndefined();
      }
    }
    for (const service of compose.services ?? []) expect(service.plugins ?? []).toEqual([]);
    expect((compose.plugins ?? []).map((plugin) => plugin.name)).not.toContain('jwt');
    // Every chat and admin route but the API reference needs a token, as do /auth/me and /auth/password.
    expect(PUBLIC_ROUTES.filter((route) => route.access === 'token').map((route) => route.name)).toEqual(
      expect.arrayContaining(['auth-me', 'auth-password', 'chat-messages', 'admin-status', 'admin-user']),
    );
  });

  it('lets /v1 take an access token (checked by the jwt plugin) or a key of the right form, and nothing else', () => {
    const key = `zc-${'Ab1_-'.repeat(8)}Ab1`;
    expect(key).toHaveLength(46);
    const edge = (authorization?: string) =>
      matchRoute(compose, 'POST', '/v1/chat/completions', authorization ? { authorization } : {});
    const jwtOf = (route: ReturnType<typeof edge>) => route?.plugins?.find((plugin) => plugin.name === 'jwt');

    expect(edge(`Bearer ${key}`)?.name).toBe('v1-chat-completions-key');
    expect(jwtOf(edge(`Bearer ${key}`))).toBeUndefined();
    expect(edge(`bearer  ${key}`)?.name).toBe('v1-chat-completions-key');
    for (const refused of [undefined, 'Bearer zc-short', `Bearer ${key}x`, `Basic ${key}`, `Bearer ${key} extra`]) {
      // The jwt plugin answers 401 for anything but a valid access token: nothing wakes chat.
      expect(edge(refused)?.name, String(refused)).toBe('v1-chat-completions');
      expect(jwtOf(edge(refused)), String(refused)).toBeDefined();
    }
    const keyRoutes = routes(compose).filter((route) => route.headers);
    expect(keyRoutes.map((route) => route.name)).toEqual(['v1-models-key', 'v1-model-key', 'v1-chat-completions-key']);
    for (const route of keyRoutes) expect(route.headers).toEqual({ authorization: [API_KEY_HEADER_PATTERN] });
  });

  it('limits /v1 per credential: by the Authorization header, on both of its routes', () => {
    for (const name of ['v1-chat-completions', 'v1-chat-completions-key', 'v1-models', 'v1-models-key']) {
      const plugin = routeNamed(compose, name)?.plugins?.find((candidate) => candidate.name === 'rate-limiting');
      expect(plugin?.config, name).toMatchObject({
        ...DEFAULT_RATE_LIMITS.openai,
        limit_by: 'header',
        header_name: 'authorization',
        policy: 'local',
      });
    }
  });

  it('limits login and register more strictly than everything else', () => {
    const perMinute = (name: string) => {
      const plugin = routeNamed(compose, name)?.plugins?.find((candidate) => candidate.name === 'rate-limiting');
      return plugin?.name === 'rate-limiting' ? plugin.config.minute : undefined;
    };
    const global = compose.plugins?.find((plugin) => plugin.name === 'rate-limiting');
    const defaultPerMinute = global?.name === 'rate-limiting' ? (global.config.minute ?? 0) : 0;
    expect(defaultPerMinute).toBe(DEFAULT_RATE_LIMITS.default.minute);
    expect(perMinute('auth-login')).toBeLessThan(defaultPerMinute);
    expect(perMinute('auth-register')).toBeLessThan(defaultPerMinute);
    expect(global?.config).toMatchObject({ limit_by: 'ip', policy: 'local' });
  });

  it('has the gateway plugins: correlation id, CORS, body size, Prometheus', () => {
    const byName = Object.fromEntries((compose.plugins ?? []).map((plugin) => [plugin.name, plugin.config]));
    expect(byName['correlation-id']).toEqual({ header_name: 'x-request-id', generator: 'uuid', echo_downstream: true });
    expect(byName.cors).toMatchObject({ origins: ['*'], preflight_continue: false, credentials: false });
    expect((byName.cors as { headers: string[] }).headers).toEqual(
      expect.arrayContaining(['Authorization', 'Content-Type']),
    );
    expect(byName['request-size-limiting']).toMatchObject({ allowed_payload_size: 65_536, size_unit: 'bytes' });
    expect(byName.prometheus).toMatchObject({ status_code_metrics: true, latency_metrics: true });
  });

  it('lets only the import route take a body larger than the global limit', () => {
    const larger = routes(compose).filter((route) =>
      route.plugins?.some((plugin) => plugin.name === 'request-size-limiting'),
    );
    expect(larger.map((route) => [route.name, route.plugins?.at(-1)?.config])).toEqual([
      ['chat-import', expect.objectContaining({ allowed_payload_size: 16 * 1024 * 1024, size_unit: 'bytes' })],
    ]);
  });

  it('waits long enough for a cold model load on chat and for a model pull on admin', () => {
    const timeout = (name: string) => compose.services?.find((service) => service.name === name)?.read_timeout ?? 0;
    expect(timeout('chat')).toBeGreaterThanOrEqual(300_000);
    expect(timeout('admin')).toBeGreaterThanOrEqual(600_000);
  });

  it('reaches compose containers directly, without upstream entities', () => {
    expect(compose.upstreams).toBeUndefined();
    expect(compose.services?.map((service) => [service.name, service.host, service.port])).toEqual([
      ['auth', 'auth', 8080],
      ['chat', 'chat', 8080],
      ['admin', 'admin', 8080],
      ['web', 'web', 8080],
    ]);
  });

  it("reaches Knative services through Kourier's internal gateway with their Host header", () => {
    const knative = renderKongConfig({ upstreams: knativeUpstreams('zerochat') });
    for (const fn of ['auth', 'chat', 'admin', 'web']) {
      const service = knative.services?.find((candidate) => candidate.name === fn);
      const upstream = knative.upstreams?.find((candidate) => candidate.name === service?.host);
      expect(upstream).toMatchObject({
        host_header: `${fn}.zerochat.svc.cluster.local`,
        targets: [{ target: 'kourier-internal.kourier-system.svc.cluster.local:80' }],
      });
    }
  });

  it('adds one ES256 credential per signing key that verifies what the key signs', async () => {
    const keys = await Promise.all([testSigningKey('key-2'), testSigningKey('key-1')]);
    const config = renderKongConfig({
      upstreams: composeUpstreams(),
      signingKeys: keys.map((key) => key.publicJwk as never),
    });
    expect(config.consumers?.map((consumer) => consumer.custom_id)).toEqual(['key-1', 'key-2']);
    for (const key of keys) {
      const consumer = config.consumers?.find((candidate) => candidate.custom_id === key.kid);
      const [secret] = consumer?.jwt_secrets ?? [];
      expect(secret).toMatchObject({ key: key.kid, algorithm: 'ES256' });
      const token = await signAccessToken(key);
      const [header = '', payload = '', signature = ''] = token.split('.');
      const valid = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: secret?.rsa_public_key ?? '', dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
      expect(valid).toBe(true);
    }
  });

  it('refuses private keys, keys without kid and repeated kids', async () => {
    const key = await testSigningKey('k');
    const render = (signingKeys: unknown[]) => () =>
      renderKongConfig({ upstreams: composeUpstreams(), signingKeys: signingKeys as never });
    expect(render([{ ...key.publicJwk, d: 'secret' }])).toThrow(/private key/);
    expect(render([{ ...key.publicJwk, kid: undefined }])).toThrow(/kid/);
    expect(render([key.publicJwk, key.publicJwk])).toThrow(/twice/);
  });

  it('tags every service with the digest of the config, which changes with the keys', async () => {
    const key = await testSigningKey('k');
    const withKey = renderKongConfig({ upstreams: composeUpstreams(), signingKeys: [key.publicJwk as never] });
    const digest = digestFromTags(compose.services?.[0]?.tags);
    expect(digest).toBe(kongConfigDigest(compose));
    expect(digestFromTags(withKey.services?.[0]?.tags)).not.toBe(digest);
    expect(new Set(compose.services?.map((service) => digestFromTags(service.tags)))).toEqual(new Set([digest]));
    expect(compose.services?.[0]?.tags?.filter((tag) => tag.startsWith(CONFIG_DIGEST_TAG_PREFIX))).toHaveLength(1);
  });
});

describe('the committed rendered files', () => {
  it.each(COMMITTED_KONG_FILES.map((file) => [file.path, file] as const))(
    '%s is what the renderer makes',
    async (path, file) => {
      const committed = await readFile(join(root, path), 'utf8');
      expect(committed, 'run npm run kong:render').toBe(renderCommittedFile(file).text);
    },
  );

  it('carry no credentials (the keys are per install)', () => {
    for (const file of COMMITTED_KONG_FILES) expect(renderCommittedFile(file).config.consumers).toEqual([]);
  });
});

describe('kongUpstreamsEnv', () => {
  it('reads compose, knative:<namespace> and JSON', () => {
    expect(kongUpstreamsEnv.parse('compose')).toEqual(composeUpstreams());
    expect(kongUpstreamsEnv.parse('knative:zerochat')).toEqual(knativeUpstreams('zerochat'));
    const custom = {
      auth: { url: 'http://a:1' },
      chat: { url: 'http://c:2' },
      admin: { url: 'https://d' },
      web: { url: 'http://w:3' },
    };
    expect(kongUpstreamsEnv.parse(JSON.stringify(custom))).toEqual(custom);
  });

  it.each([
    'knative:Not_A_Namespace',
    'nonsense',
    '{"auth":{"url":"http://a"}}',
    '{"auth":{"url":"http://a/x"},"chat":{"url":"http://c"},"admin":{"url":"http://d"}}',
    '{"auth":{"url":"ftp://a"},"chat":{"url":"http://c"},"admin":{"url":"http://d"}}',
  ])('rejects %s', (value) => {
    expect(kongUpstreamsEnv.safeParse(value).success).toBe(false);
  });
});
