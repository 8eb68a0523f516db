import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configFailure } from '../../../../test/support/config-failure.ts';
import { accessTokenEnv, mongoEnv, requireKeySource, serverEnv } from './env.ts';
import { parseConfig, readConfigOrExit } from './load-config.ts';

const schema = z.object({ ...serverEnv, ...mongoEnv, ...accessTokenEnv }).superRefine(requireKeySource);
const jwks = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', kid: 'k1' }] });
const valid = { MONGODB_URI: 'mongodb://localhost:27017', AUTH_PUBLIC_JWKS: jwks };

const failure = (env: Record<string, string | undefined>) => configFailure(schema, env);

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = parseConfig(schema, { ...valid, PORT: '9090' });
    expect(config).toMatchObject({ PORT: 9090, LOG_LEVEL: 'info', MONGODB_DB: 'zerochat', AUTH_ISSUER: 'zerochat' });
    expect(config.AUTH_PUBLIC_JWKS?.keys[0]?.kid).toBe('k1');
  });

  it('names a missing variable', () => {
    const error = failure({ AUTH_PUBLIC_JWKS: jwks });
    expect(error.variable).toBe('MONGODB_URI');
    expect(error.message).toBe('MONGODB_URI: is required');
  });

  it('treats an empty variable as unset', () => {
    expect(failure({ ...valid, MONGODB_URI: '' }).message).toBe('MONGODB_URI: is required');
    expect(parseConfig(schema, { ...valid, PORT: '' }).PORT).toBe(8080);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'eighty'],
    ['LOG_LEVEL', 'loud'],
    ['MONGODB_URI', 'http://localhost'],
    ['MONGODB_DB', 'has space'],
    ['AUTH_PUBLIC_JWKS', '{not json'],
    ['AUTH_PUBLIC_JWKS', '{"keys":[]}'],
  ])('names %s when it is %j', (variable, value) => {
    expect(failure({ ...valid, [variable]: value }).variable).toBe(variable);
  });

  it('rejects a public key set that carries a private key', () => {
    const leaked = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', d: 'secret', kid: 'k1' }] });
    expect(failure({ ...valid, AUTH_PUBLIC_JWKS: leaked }).message).toMatch(/AUTH_PUBLIC_JWKS: .*public keys only/);
  });

  it('needs a key source', () => {
    expect(failure({ MONGODB_URI: valid.MONGODB_URI }).message).toBe(
      'AUTH_PUBLIC_JWKS: is required (or set AUTH_JWKS_URL)',
    );
    expect(
      parseConfig(schema, { MONGODB_URI: valid.MONGODB_URI, AUTH_JWKS_URL: 'http://auth/jwks' }).AUTH_JWKS_URL,
    ).toBe('http://auth/jwks');
  });
});

describe('readConfigOrExit', () => {
  it('reports one line naming the variable and exits with 1', () => {
    const lines: string[] = [];
    let code: number | undefined;
    expect(() =>
      readConfigOrExit('chat', schema, {
        env: { ...valid, PORT: '-1' },
        report: (line) => lines.push(line),
        exit: (exitCode) => {
          code = exitCode;
          throw new Error('exited');
        },
      }),
    ).toThrow('exited');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(lines[0]?.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'error', service: 'chat', variable: 'PORT' });
  });
});
