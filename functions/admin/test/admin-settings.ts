import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Modelfile, parseModelfile } from '@zerochat/ollama';
import { parseConfig } from '@zerochat/runtime';
import type { JWK } from 'jose';
import type { AdminSettings } from '../src/config.ts';
import { adminConfigSchema } from '../src/config.ts';

/** The events secret of test settings: what a test's event sender presents. */
export const TEST_EVENTS_SECRET = 'test-events-secret-0123456789abcdef';

/** ollama/Modelfile as the bundle carries it. */
export function zerochatModelfile(): Modelfile {
  return parseModelfile(readFileSync(join(import.meta.dirname, '../../../ollama/Modelfile'), 'utf8'));
}

/**
 * The admin settings a minimal environment gives, verifying tokens with `publicKeys`; `env`
 * overrides variables as strings, exactly as the environment would.
 */
export function testAdminSettings(publicKeys: JWK[], env: Record<string, string> = {}): AdminSettings {
  return parseConfig(adminConfigSchema, {
    MONGODB_URI: 'mongodb://unused',
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: publicKeys }),
    ADMIN_EVENTS_SECRET: TEST_EVENTS_SECRET,
    ...env,
  });
}
