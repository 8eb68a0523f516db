import { registerTinyModel } from '@zerochat/local-services';
import { canonicalModelName } from '@zerochat/ollama';
import { Ollama } from 'ollama/browser';

export interface BaseModelOptions {
  ollamaHost: string;
  /** ZEROCHAT_BASE_MODEL: what the zerochat model is built on. */
  baseModel: string;
  report: (line: string) => void;
  /** A pull that reports nothing for this long counts as failed (a network that swallows packets). */
  stallTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface BaseModelChoice {
  /** The base to build the zerochat model on. */
  baseModel: string;
  /** The base that was asked for (ZEROCHAT_BASE_MODEL). */
  wanted: string;
  /** Set when the wanted base could not be pulled and the tiny test model stands in: why. */
  pullFailure?: string;
}

const PROGRESS_STEP_PERCENT = 10;

/**
 * Makes sure Ollama has a base for the zerochat model: the wanted one if it is there or can be
 * pulled (with progress), else the tiny test model registered from its GGUF file, so that a
 * machine without internet still streams (gibberish) replies.
 */
export async function provideBaseModel(options: BaseModelOptions): Promise<BaseModelChoice> {
  const wanted = canonicalModelName(options.baseModel);
  const stall = new AbortController();
  const doFetch = options.fetch ?? fetch;
  const ollama = new Ollama({
    host: options.ollamaHost,
    fetch: (input, init) =>
      doFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stall.signal]) : stall.signal }),
  });
  const { models } = await ollama.list();
  if (models.some((model) => canonicalModelName(model.name) === wanted)) return { baseModel: wanted, wanted };

  options.report(`pulling ${wanted} into Ollama (once; later starts reuse it) ...`);
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  let timer = setTimeout(() => stall.abort(), stallTimeoutMs);
  try {
    let reported = -PROGRESS_STEP_PERCENT;
    for await (const progress of await ollama.pull({ model: wanted, stream: true })) {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), stallTimeoutMs);
      if (!progress.total) continue;
      const percent = Math.floor((100 * (progress.completed ?? 0)) / progress.total);
      if (percent >= reported + PROGRESS_STEP_PERCENT) {
        reported = percent;
        options.report(`  ${progress.status}: ${percent}%`);
      }
    }
    return { baseModel: wanted, wanted };
  } catch (error) {
    const why = stall.signal.aborted ? 'the download stalled' : (error as Error).message.replace(/\s+/g, ' ');
    const tiny = await registerTinyModel(options.ollamaHost);
    return { baseModel: canonicalModelName(tiny), wanted, pullFailure: why.slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
}
