import { composeUpstreams } from '@zerochat/kong';
import { parseConfig } from '@zerochat/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFailure } from '../../../test/support/config-failure.ts';
import { documentedVariables } from '../../../test/support/env-documentation.ts';
import { testSigningKey } from '../../../test/support/keys.ts';
import { adminConfigSchema } from './config.ts';

let jwks = '';
beforeAll(async () => {
  jwks = JSON.stringify({ keys: [(await testSigningKey()).publicJwk] });
});
const env = (overrides: Record<string, string | undefined> = {}) => ({
  MONGODB_URI: 'mongodb://localhost:27017',
  AUTH_PUBLIC_JWKS: jwks,
  ADMIN_EVENTS_SECRET: 'an events secret of 32 characters',
  ...overrides,
});
const OIDC = {
  ADMIN_EVENTS_OIDC_AUDIENCE: 'zerochat-admin-events',
  ADMIN_EVENTS_OIDC_SUBJECTS: 'system:serviceaccount:zerochat:a, system:serviceaccount:zerochat:b',
};
const failure = (overrides: Record<string, string | undefined>) => configFailure(adminConfigSchema, env(overrides));

describe('the admin configuration', () => {
  it('has defaults that leave Kong, the first admin and Kubernetes alone', () => {
    expect(parseConfig(adminConfigSchema, env())).toMatchObject({
      OLLAMA_HOST: 'http://127.0.0.1:11434',
      ZEROCHAT_MODEL: 'zerochat:latest',
      ZEROCHAT_BASE_MODEL: 'gemma3:270m',
      KONG_CORS_ORIGINS: ['*'],
      KUBERNETES_NAMESPACE: 'zerochat',
    });
    const config = parseConfig(adminConfigSchema, env());
    expect([config.KONG_ADMIN_URL, config.BOOTSTRAP_ADMIN_EMAIL, config.KUBECONFIG]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads the deployment settings', () => {
    const config = parseConfig(
      adminConfigSchema,
      env({
        OLLAMA_HOST: 'ollama:11434',
        KONG_ADMIN_URL: 'http://kong:8001/',
        KONG_UPSTREAMS: 'compose',
        KONG_CORS_ORIGINS: 'https://chat.example.com, https://admin.example.com',
        BOOTSTRAP_ADMIN_EMAIL: ' Root@Example.com ',
        BOOTSTRAP_ADMIN_PASSWORD: 'long enough password',
      }),
    );
    expect(config).toMatchObject({
      OLLAMA_HOST: 'http://ollama:11434',
      KONG_ADMIN_URL: 'http://kong:8001',
      KONG_UPSTREAMS: composeUpstreams(),
      KONG_CORS_ORIGINS: ['https://chat.example.com', 'https://admin.example.com'],
      BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
    });
  });

  it.each([
    ['AUTH_PUBLIC_JWKS', { AUTH_PUBLIC_JWKS: undefined }, 'is required (or set AUTH_JWKS_URL)'],
    ['KONG_UPSTREAMS', { KONG_ADMIN_URL: 'http://kong:8001' }, /is required with KONG_ADMIN_URL/],
    ['KONG_UPSTREAMS', { KONG_ADMIN_URL: 'http://kong:8001', KONG_UPSTREAMS: 'knative:Bad_NS' }, /namespace/],
    ['KONG_ADMIN_URL', { KONG_ADMIN_URL: 'ftp://kong' }, /http\(s\) URL/],
    ['OLLAMA_HOST', { OLLAMA_HOST: 'ftp://ollama' }, /http\(s\) URL/],
    ['ZEROCHAT_BASE_MODEL', { ZEROCHAT_BASE_MODEL: 'no spaces please' }, /Ollama model name/],
    ['BOOTSTRAP_ADMIN_EMAIL', { BOOTSTRAP_ADMIN_EMAIL: 'not-an-email' }, /email/i],
    [
      'BOOTSTRAP_ADMIN_EMAIL',
      { BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' },
      /is required with BOOTSTRAP_ADMIN_PASSWORD/,
    ],
    [
      'BOOTSTRAP_ADMIN_PASSWORD',
      { BOOTSTRAP_ADMIN_EMAIL: 'a@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'short' },
      /at least 8/,
    ],
    ['KUBERNETES_NAMESPACE', { KUBERNETES_NAMESPACE: 'Zerochat' }, /namespace/],
    [
      'ADMIN_EVENTS_OIDC_AUDIENCE',
      { ADMIN_EVENTS_AUTH: 'oidc', ...OIDC, ADMIN_EVENTS_OIDC_AUDIENCE: undefined },
      /is required with ADMIN_EVENTS_AUTH=oidc/,
    ],
    [
      'ADMIN_EVENTS_OIDC_SUBJECTS',
      { ADMIN_EVENTS_AUTH: 'oidc', ...OIDC, ADMIN_EVENTS_OIDC_SUBJECTS: undefined },
      /is required with ADMIN_EVENTS_AUTH=oidc/,
    ],
    [
      'ADMIN_EVENTS_OIDC_SUBJECTS',
      { ADMIN_EVENTS_AUTH: 'oidc', ...OIDC, ADMIN_EVENTS_OIDC_SUBJECTS: 'admin-bootstrap' },
      /system:serviceaccount:<namespace>:<name>/,
    ],
    [
      'ADMIN_EVENTS_OIDC_DISCOVERY_URL',
      { ADMIN_EVENTS_AUTH: 'oidc', ...OIDC, ADMIN_EVENTS_OIDC_DISCOVERY_URL: 'ftp://x' },
      /http\(s\) URL/,
    ],
  ])('names %s when it is wrong', (variable, overrides, message) => {
    const error = failure(overrides);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it("reads Knative Eventing's sender identity settings, the cluster's discovery by default", () => {
    const config = parseConfig(
      adminConfigSchema,
      env({ ADMIN_EVENTS_AUTH: 'oidc', ADMIN_EVENTS_SECRET: undefined, ...OIDC }),
    );
    expect(config).toMatchObject({
      ADMIN_EVENTS_OIDC_AUDIENCE: 'zerochat-admin-events',
      ADMIN_EVENTS_OIDC_SUBJECTS: ['system:serviceaccount:zerochat:a', 'system:serviceaccount:zerochat:b'],
      ADMIN_EVENTS_OIDC_DISCOVERY_URL: 'https://kubernetes.default.svc',
      ADMIN_EVENTS_OIDC_SERVICE_ACCOUNT_DIR: '/var/run/secrets/kubernetes.io/serviceaccount',
    });
  });

  it('never echoes the admin password in its error', () => {
    const error = failure({ BOOTSTRAP_ADMIN_EMAIL: 'a@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'secret7' });
    expect(error.message).not.toContain('secret7');
  });

  it('documents every variable in .env.example', async () => {
    const documented = await documentedVariables();
    expect(Object.keys(adminConfigSchema.shape).filter((name) => !documented.has(name))).toEqual([]);
  });
});
