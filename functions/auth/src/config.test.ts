import { parseConfig } from '@zerochat/runtime';
import { describe, expect, it } from 'vitest';
import { configFailure } from '../../../test/support/config-failure.ts';
import { testSigningKeys } from '../test/auth-settings.ts';
import { authConfigSchema } from './config.ts';

async function env(overrides: Record<string, string | undefined> = {}) {
  return {
    MONGODB_URI: 'mongodb://localhost:27017',
    AUTH_SIGNING_KEYS: JSON.stringify(await testSigningKeys()),
    ...overrides,
  };
}

const failure = (values: Record<string, string | undefined>) => configFailure(authConfigSchema, values);

describe('the auth configuration', () => {
  it('has safe defaults', async () => {
    expect(parseConfig(authConfigSchema, await env())).toMatchObject({
      AUTH_ACCESS_TOKEN_TTL_SECONDS: 900,
      AUTH_REFRESH_TOKEN_TTL_SECONDS: 30 * 24 * 3600,
      AUTH_REGISTRATION_ENABLED: true,
      AUTH_PASSWORD_MEMORY_KIB: 19_456,
      AUTH_PASSWORD_PASSES: 2,
      AUTH_PASSWORD_PARALLELISM: 1,
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: 10,
      AUTH_LOGIN_WINDOW_SECONDS: 900,
      AUTH_TRUSTED_PROXY_HOPS: 0,
    });
  });

  it('needs signing keys', async () => {
    expect(failure(await env({ AUTH_SIGNING_KEYS: undefined })).message).toBe('AUTH_SIGNING_KEYS: is required');
  });

  it.each([
    ['not JSON', '{nope'],
    ['an empty set', '{"keys":[]}'],
    ['public keys only', 'public'],
    ['duplicate kids', 'duplicate'],
    ['a broken private key', 'broken'],
    ['a private part of another key', 'mismatched'],
  ])('names AUTH_SIGNING_KEYS when it is %s', async (_name, kind) => {
    const [key] = (await testSigningKeys()).keys;
    if (!key) throw new Error('no key');
    const { d: _d, ...publicPart } = key;
    const values: Record<string, string> = {
      public: JSON.stringify({ keys: [publicPart] }),
      duplicate: JSON.stringify({ keys: [key, { ...(await testSigningKeys()).keys[0], kid: key.kid }] }),
      broken: JSON.stringify({ keys: [{ ...key, d: 'AAAA' }] }),
      mismatched: JSON.stringify({ keys: [{ ...key, d: (await testSigningKeys()).keys[0]?.d }] }),
    };
    expect(failure(await env({ AUTH_SIGNING_KEYS: values[kind] ?? kind })).variable).toBe('AUTH_SIGNING_KEYS');
  });

  it.each([
    ['AUTH_PASSWORD_MEMORY_KIB', '19455'],
    ['AUTH_PASSWORD_PASSES', '1'],
    ['AUTH_ACCESS_TOKEN_TTL_SECONDS', '0'],
    ['AUTH_REGISTRATION_ENABLED', 'maybe'],
    ['AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT', '101'],
    ['AUTH_TRUSTED_PROXY_HOPS', '-1'],
  ])('refuses %s=%s, below the floor or out of range', async (variable, value) => {
    expect(failure(await env({ [variable]: value })).variable).toBe(variable);
  });

  it('refuses throttle settings that let more than 100 failed logins per account through in an hour', async () => {
    const error = failure(await env({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '30', AUTH_LOGIN_WINDOW_SECONDS: '900' }));
    expect(error.variable).toBe('AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT');
    expect(error.message).toContain('120');
    const hourly = parseConfig(
      authConfigSchema,
      await env({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '100', AUTH_LOGIN_WINDOW_SECONDS: '3600' }),
    );
    expect(hourly.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(100);
  });
});
