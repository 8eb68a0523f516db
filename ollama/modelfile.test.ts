import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalModelName, ModelfileError, parseModelfile } from './src/modelfile.ts';

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

  it('reads into the fields of the create API, with typed parameters', async () => {
    const parsed = parseModelfile(await read('ollama/Modelfile'));
    expect(parsed.from).toBe('gemma3:270m');
    expect(parsed.system).toMatch(/^You are zerochat, .+ instead of guessing\.$/);
    expect(parsed.parameters).toEqual({
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      repeat_penalty: 1.1,
      num_ctx: 4096,
      num_predict: 1024,
    });
  });
});

describe('parseModelfile', () => {
  it('reads multi-line and quoted values, lists stop sequences, ignores comments and case', () => {
    const parsed = parseModelfile(
      [
        '# a comment',
        'from base:1b',
        'SYSTEM """first line',
        'second line"""',
        'TEMPLATE "{{ .Prompt }}"',
        'PARAMETER stop "<|end|>"',
        'PARAMETER stop user:',
        'PARAMETER seed -1',
        'PARAMETER use_mmap false',
        'PARAMETER mirostat_eta 1e-2',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      from: 'base:1b',
      system: 'first line\nsecond line',
      template: '{{ .Prompt }}',
      parameters: { stop: ['<|end|>', 'user:'], seed: -1, use_mmap: false, mirostat_eta: 0.01 },
    });
  });

  it.each([
    ['no FROM', 'SYSTEM hello', /FROM is missing/],
    ['an instruction it cannot apply', 'FROM x\nADAPTER ./lora.gguf', /line 2: ADAPTER is not supported/],
    ['an unterminated triple quote', 'FROM x\nSYSTEM """never closed', /line 2: unterminated/],
    ['a parameter without a value', 'FROM x\nPARAMETER temperature', /line 2: PARAMETER needs/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseModelfile(text)).toThrow(ModelfileError);
    expect(() => parseModelfile(text)).toThrow(message);
  });

  it('names models as Ollama does: no tag means latest', () => {
    expect(canonicalModelName('zerochat')).toBe('zerochat:latest');
    expect(canonicalModelName('gemma3:270m')).toBe('gemma3:270m');
    expect(canonicalModelName('registry.local:5000/team/model')).toBe('registry.local:5000/team/model:latest');
  });
});
