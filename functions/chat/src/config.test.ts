import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '@zerochat/runtime';
import { describe, expect, it } from 'vitest';
import { chatConfigSchema } from './config.ts';

const required = { MONGODB_URI: 'mongodb://localhost:27017', AUTH_JWKS_URL: 'http://auth/jwks' };

function variableIn(env: Record<string, string>): string | undefined {
  try {
    parseConfig(chatConfigSchema, { ...required, ...env });
    return undefined;
  } catch (error) {
    return (error as { variable?: string }).variable;
  }
}

describe('chat configuration', () => {
  it('has working defaults', () => {
    expect(parseConfig(chatConfigSchema, required)).toMatchObject({
      OLLAMA_HOST: 'http://127.0.0.1:11434',
      ZEROCHAT_MODEL: 'zerochat:latest',
      CHAT_MODELS: [],
      CHAT_MAX_MESSAGE_BYTES: 32_768,
      CHAT_MAX_CONCURRENT_PER_USER: 2,
      CHAT_FIRST_TOKEN_TIMEOUT_MS: 300_000,
      CHAT_GENERATION_TIMEOUT_MS: 600_000,
    });
  });

  it('reads models in Ollama spelling and a host without scheme', () => {
    const config = parseConfig(chatConfigSchema, {
      ...required,
      OLLAMA_HOST: 'ollama:11434/',
      ZEROCHAT_MODEL: 'llama3.2',
      CHAT_MODELS: 'llama3.2:1b, hf.co/org/repo:Q4_K_M,registry:5000/team/model,',
    });
    expect(config.OLLAMA_HOST).toBe('http://ollama:11434');
    expect(config.ZEROCHAT_MODEL).toBe('llama3.2:latest');
    expect(config.CHAT_MODELS).toEqual(['llama3.2:1b', 'hf.co/org/repo:Q4_K_M', 'registry:5000/team/model:latest']);
  });

  it.each([
    ['OLLAMA_HOST', 'ftp://ollama'],
    ['ZEROCHAT_MODEL', 'bad model name'],
    ['CHAT_MODELS', 'good:1b,bad name'],
    ['CHAT_MAX_CONCURRENT_PER_USER', '0'],
    ['CHAT_FIRST_TOKEN_TIMEOUT_MS', 'soon'],
    ['CHAT_MAX_MESSAGE_BYTES', '65000'],
  ])('names %s when it is %j', (variable, value) => {
    expect(variableIn({ [variable]: value })).toBe(variable);
  });

  it('needs a key set to verify access tokens', () => {
    expect(() => parseConfig(chatConfigSchema, { MONGODB_URI: required.MONGODB_URI })).toThrow(/AUTH_PUBLIC_JWKS/);
  });

  it('documents every variable it reads in .env.example', async () => {
    const example = await readFile(join(import.meta.dirname, '../../../.env.example'), 'utf8');
    const documented = new Set(example.split('\n').flatMap((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []));
    expect(Object.keys(chatConfigSchema.shape).filter((variable) => !documented.has(variable))).toEqual([]);
  });
});
