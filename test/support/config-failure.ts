import { ConfigError, parseConfig } from '@zerochat/runtime';
import type { z } from 'zod';

/** The ConfigError that parsing `env` raises; throws (failing the test) when it parses. */
export function configFailure(schema: z.ZodType, env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
