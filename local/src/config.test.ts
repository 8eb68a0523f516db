import { describe, expect, it } from 'vitest';
import { configFailure } from '../../test/support/config-failure.ts';
import { documentedVariables } from '../../test/support/env-documentation.ts';
import { localConfigSchema } from './config.ts';

describe('the configuration of npm start', () => {
  it('needs no variable at all, and listens on 127.0.0.1:8000', () => {
    expect(localConfigSchema.parse({})).toMatchObject({ PORT: 8000, HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: 5000 });
  });

  it('reads only variables that .env.example documents', async () => {
    const documented = await documentedVariables();
    expect(Object.keys(localConfigSchema.shape).filter((name) => !documented.has(name))).toEqual([]);
  });

  it('names a bad variable', () => {
    expect(configFailure(localConfigSchema, { MONGODB_URI: 'postgres://db' }).variable).toBe('MONGODB_URI');
  });
});
