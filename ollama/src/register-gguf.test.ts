import { describe, expect, it } from 'vitest';
import { testServices } from '../../test/support/test-services.ts';
import { registerGguf } from './register-gguf.ts';
import { TINY_MODEL_TEMPLATE, tinyModelGguf } from './tiny-model.ts';

/** fetch that records the paths it was asked for, on the way to the real Ollama. */
function recordingFetch() {
  const paths: string[] = [];
  const recording = ((input: string | URL | Request, init?: RequestInit) => {
    paths.push(new URL(input instanceof Request ? input.url : input).pathname);
    return fetch(input, init);
  }) as typeof fetch;
  return { recording, paths };
}

describe('registerGguf', () => {
  const model = `zerochat-register-${process.pid}`;

  it('creates the model once, and leaves an identical one alone', async () => {
    const { ollamaHost } = testServices();
    const first = recordingFetch();
    await registerGguf({
      host: ollamaHost,
      model,
      gguf: tinyModelGguf(),
      template: TINY_MODEL_TEMPLATE,
      fetch: first.recording,
    });
    const tags = (await (await fetch(`${ollamaHost}/api/tags`)).json()) as { models: Array<{ name: string }> };
    expect(tags.models.map((m) => m.name)).toContain(`${model}:latest`);

    const second = recordingFetch();
    await registerGguf({
      host: ollamaHost,
      model,
      gguf: tinyModelGguf(),
      template: TINY_MODEL_TEMPLATE,
      fetch: second.recording,
    });
    expect(first.paths).toContain('/api/create');
    // Creating it again would restart Ollama's runner and break replies in flight.
    expect(second.paths).not.toContain('/api/create');

    const third = recordingFetch();
    await registerGguf({
      host: ollamaHost,
      model,
      gguf: tinyModelGguf(),
      template: 'other: {{ .Prompt }}',
      fetch: third.recording,
    });
    expect(third.paths).toContain('/api/create');

    // With parameters, the same holds: created once, then left alone until they change.
    const withParameters = (parameters: Record<string, unknown>) => {
      const recorded = recordingFetch();
      const done = registerGguf({
        host: ollamaHost,
        model,
        gguf: tinyModelGguf(),
        template: TINY_MODEL_TEMPLATE,
        parameters,
        fetch: recorded.recording,
      });
      return done.then(() => recorded.paths.includes('/api/create'));
    };
    expect(await withParameters({ num_thread: 1, stop: ['user:', 'system:'] })).toBe(true);
    expect(await withParameters({ stop: ['system:', 'user:'], num_thread: 1 })).toBe(false);
    expect(await withParameters({ num_thread: 2, stop: ['user:', 'system:'] })).toBe(true);
    await fetch(`${ollamaHost}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model }) });
  });
});
