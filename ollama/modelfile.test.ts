import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The base model is named in four places that a deployment reads; they must agree.
const root = join(import.meta.dirname, '..');
const read = (path: string) => readFile(join(root, path), 'utf8');

describe('ollama/Modelfile', () => {
  it('builds on the base model that compose, Knative and .env.example default to', async () => {
    const modelfile = await read('ollama/Modelfile');
    const base = /^FROM (\S+)$/m.exec(modelfile)?.[1];
    expect(base).toBe('gemma3:270m');
    expect(await read('knative/base/config.env')).toContain(`\nZEROCHAT_BASE_MODEL=${base}\n`);
    expect(await read('compose.yaml')).toContain(`ZEROCHAT_BASE_MODEL: \${ZEROCHAT_BASE_MODEL:-${base}}`);
    expect(await read('.env.example')).toContain(`\nZEROCHAT_BASE_MODEL=${base}\n`);
  });

  it('has a system prompt and sampling parameters Ollama knows', async () => {
    const modelfile = await read('ollama/Modelfile');
    expect(modelfile).toMatch(/^SYSTEM """[\s\S]+"""$/m);
    const parameters = [...modelfile.matchAll(/^PARAMETER (\w+) (\S+)$/gm)].map((match) => match[1]);
    expect(parameters.length).toBeGreaterThan(3);
    const known = [
      'temperature',
      'top_p',
      'top_k',
      'repeat_penalty',
      'num_ctx',
      'num_predict',
      'seed',
      'stop',
      'min_p',
      'repeat_last_n',
    ];
    expect(parameters.filter((name) => !known.includes(name ?? ''))).toEqual([]);
    const instructions = modelfile
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(' ')[0]);
    expect(new Set(instructions)).toEqual(new Set(['FROM', 'SYSTEM', 'PARAMETER']));
  });
});
