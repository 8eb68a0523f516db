import { freePort } from '@zerochat/local-services';
import { parseModelfile } from '@zerochat/ollama';
import { Ollama } from 'ollama/browser';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { testServices } from '../../../../test/support/test-services.ts';
import { tinyBaseModel, uniqueModelNames } from '../../test/admin-harness.ts';
import { zerochatModelfile } from '../../test/admin-settings.ts';
import { ollamaClients } from '../ollama-client.ts';
import { ollamaModelsStep, pullFrom } from './ollama-models.ts';

// Real Ollama with the tiny model. No model can be pulled here, so the base model comes
// from the tiny model's GGUF file, registered under the base model's name.

const { ollamaHost } = testServices();
const ollama = new Ollama({ host: ollamaHost });
let names: ReturnType<typeof uniqueModelNames>;
let source: ReturnType<typeof tinyBaseModel>;

// Each test starts with models of its own that do not exist yet.
beforeEach(() => {
  names = uniqueModelNames();
  source = tinyBaseModel(ollamaHost);
});

const step = (modelfile = zerochatModelfile(), host = ollamaHost) =>
  ollamaModelsStep({
    ollama: ollamaClients({ host }),
    modelfile,
    model: names.ZEROCHAT_MODEL,
    baseModel: names.ZEROCHAT_BASE_MODEL,
    baseModelSource: source,
  });

describe('the Ollama step', () => {
  it('gets the base model, creates the zerochat model (changed), then leaves both alone (ok)', async () => {
    const { log } = captureLog();
    const first = await step().run(log);
    expect(first).toEqual({
      outcome: 'changed',
      reason: `pulled ${names.ZEROCHAT_BASE_MODEL}; created ${names.ZEROCHAT_MODEL} from ${names.ZEROCHAT_BASE_MODEL}`,
    });
    expect(source.calls).toEqual([names.ZEROCHAT_BASE_MODEL]);
    const created = (await ollama.list()).models.find((model) => model.name === names.ZEROCHAT_MODEL);
    expect(created).toBeDefined();

    const second = await step().run(log);
    expect(second).toEqual({
      outcome: 'ok',
      reason: `${names.ZEROCHAT_MODEL} is up to date (from ${names.ZEROCHAT_BASE_MODEL})`,
    });
    expect(source.calls).toHaveLength(1);
    const after = (await ollama.list()).models.find((model) => model.name === names.ZEROCHAT_MODEL);
    expect(after?.modified_at).toEqual(created?.modified_at);
  });

  it("gives the model the Modelfile's system prompt and parameters", async () => {
    expect((await step().run(captureLog().log)).outcome).toBe('changed');
    const shown = await ollama.show({ model: names.ZEROCHAT_MODEL });
    const modelfile = zerochatModelfile();
    expect(shown.system).toBe(modelfile.system);
    expect(shown.details.parent_model).toBe(names.ZEROCHAT_BASE_MODEL);
    const parameters = Object.fromEntries(
      shown.parameters.split('\n').map((line) => line.trim().split(/\s+/) as [string, string]),
    );
    expect(parameters).toEqual({
      temperature: '0.7',
      top_p: '0.9',
      top_k: '40',
      repeat_penalty: '1.1',
      num_ctx: '4096',
      num_predict: '1024',
      num_thread: '1', // the tiny base model's own, kept (see registerTinyModel)
    });
    // It answers: the tiny model's gibberish, through the new model's settings.
    const reply = await ollama.generate({ model: names.ZEROCHAT_MODEL, prompt: 'hello', options: { num_predict: 3 } });
    expect(reply.done).toBe(true);
  });

  it('recreates the model when the Modelfile changes, and only then', async () => {
    const { log } = captureLog();
    expect((await step().run(log)).outcome).toBe('changed');
    const changed = parseModelfile(
      'FROM base\nSYSTEM """You are a pirate."""\nPARAMETER temperature 0.2\nPARAMETER stop "user:"\nPARAMETER stop "system:"',
    );
    expect(await step(changed).run(log)).toEqual({
      outcome: 'changed',
      reason: `updated ${names.ZEROCHAT_MODEL} from ${names.ZEROCHAT_BASE_MODEL}`,
    });
    expect((await ollama.show({ model: names.ZEROCHAT_MODEL })).system).toBe('You are a pirate.');
    expect((await step(changed).run(log)).outcome).toBe('ok');
    expect((await step().run(log)).outcome).toBe('changed');
    expect((await step().run(log)).outcome).toBe('ok');
  });

  it('fails with the reason when Ollama is unreachable', async () => {
    const result = await step(zerochatModelfile(), `http://127.0.0.1:${await freePort()}`).run(captureLog().log);
    expect(result).toEqual({ outcome: 'failed', reason: 'Ollama: unreachable (ECONNREFUSED)' });
  });
});

describe('pulling the base model', () => {
  /** A fetch that answers /api/pull with an NDJSON stream, as Ollama does. */
  const pullStream =
    (lines: object[]): typeof fetch =>
    async () =>
      new Response(lines.map((line) => `${JSON.stringify(line)}\n`).join(''), {
        headers: { 'content-type': 'application/x-ndjson' },
      });

  it('logs the progress', async () => {
    const { log, lines } = captureLog();
    const total = 300_000_000;
    const pull = pullFrom(
      ollamaClients({
        host: 'http://ollama.invalid',
        fetch: pullStream([
          { status: 'pulling manifest' },
          { status: 'pulling 3a2b', digest: 'sha256:3a2b', total, completed: 0 },
          { status: 'pulling 3a2b', digest: 'sha256:3a2b', total, completed: total / 2 },
          { status: 'pulling 3a2b', digest: 'sha256:3a2b', total, completed: total },
          { status: 'verifying sha256 digest' },
          { status: 'writing manifest' },
          { status: 'success' },
        ]),
      }),
    );
    await pull('gemma3:270m', log);
    const progress = lines.filter((line) => line.msg === 'pull progress');
    expect(progress.map((line) => line.status)).toEqual([
      'pulling manifest',
      'pulling 3a2b',
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(progress[1]).toMatchObject({ model: 'gemma3:270m', percent: 0, totalBytes: total });
  });

  it("fails with Ollama's reason", async () => {
    const { log } = captureLog();
    const failing = ollamaClients({
      host: 'http://ollama.invalid',
      fetch: pullStream([{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }]),
    });
    const result = await ollamaModelsStep({
      ollama: (timeoutMs) => (timeoutMs === undefined ? failing() : ollamaClients({ host: ollamaHost })(timeoutMs)),
      modelfile: zerochatModelfile(),
      model: 'zerochat-never:latest',
      baseModel: 'no-such-base:1b',
      baseModelSource: pullFrom(failing),
    }).run(log);
    expect(result).toEqual({ outcome: 'failed', reason: 'Ollama: pull model manifest: file does not exist' });
  });
});
