import { canonicalModelName, type Modelfile, type ModelParameter } from '@zerochat/ollama';
import type { Logger } from '@zerochat/runtime';
import type { ShowResponse } from 'ollama/browser';
import type { OllamaClients } from '../ollama-client.ts';
import type { BootstrapStep } from './bootstrap.ts';
import { DependencyError, describeFailure } from './failure.ts';

/** Makes the base model available in Ollama; pulling it from a registry is the default. */
export type BaseModelSource = (model: string, log: Logger) => Promise<void>;

export interface OllamaModelsOptions {
  ollama: OllamaClients;
  /** ollama/Modelfile, parsed: the system prompt and parameters of the zerochat model. */
  modelfile: Modelfile;
  /** ZEROCHAT_MODEL: the model to create. */
  model: string;
  /** ZEROCHAT_BASE_MODEL: what it is created from (the Modelfile's FROM names the default). */
  baseModel: string;
  baseModelSource: BaseModelSource;
}

/** Requests that only read (list, show) answer quickly or not at all. */
const READ_TIMEOUT_MS = 30_000;
const PROGRESS_LOG_INTERVAL_MS = 5000;

/** Pulls a model from its registry, logging the progress every few seconds. */
export function pullFrom(ollama: OllamaClients): BaseModelSource {
  return async function pullBaseModel(model, log) {
    log.info('pulling the base model', { model });
    let lastLogged = 0;
    let lastStatus = '';
    const stream = await ollama().pull({ model, stream: true });
    for await (const progress of readingOllamaErrors(stream)) {
      const now = performance.now();
      if (progress.status === lastStatus && now - lastLogged < PROGRESS_LOG_INTERVAL_MS) continue;
      lastStatus = progress.status;
      lastLogged = now;
      const percent = progress.total ? Math.floor((100 * (progress.completed ?? 0)) / progress.total) : undefined;
      log.info('pull progress', {
        model,
        status: progress.status,
        ...(percent === undefined ? {} : { percent, completedBytes: progress.completed, totalBytes: progress.total }),
      });
    }
  };
}

/** ollama-js turns an error line of a stream into a plain Error carrying Ollama's message. */
async function* readingOllamaErrors<T>(stream: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* stream;
  } catch (error) {
    if (error instanceof Error && error.constructor === Error) throw new DependencyError(error.message);
    throw error;
  }
}

/** A model's settings as `show` reports them, in a form that compares by value. */
interface ModelSettings {
  weights: string;
  template: string;
  system: string;
  parameters: Record<string, string[]>;
}

/** Numbers compare as the float32 Ollama stores; everything else as text. */
function normalise(value: string | number | boolean): string {
  const text = String(value);
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? `${Math.fround(Number(text))}` : text;
}

/** `show`'s parameters: one "name value" line each, strings quoted, `stop` once per sequence. */
function shownParameters(text: string | undefined): Record<string, string[]> {
  const parameters: Record<string, string[]> = {};
  for (const line of (text ?? '').split('\n')) {
    const match = /^(\w+)\s+(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    const raw = (match[2] ?? '').trim();
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    parameters[match[1]] = [...(parameters[match[1]] ?? []), normalise(value)];
  }
  return parameters;
}

function requestedParameters(parameters: Record<string, ModelParameter>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map(normalise)]),
  );
}

function settingsOf(shown: ShowResponse): ModelSettings {
  return {
    // The weights: every FROM line of the generated Modelfile names a blob.
    weights: shown.modelfile
      .split('\n')
      .filter((line) => line.startsWith('FROM '))
      .sort()
      .join('\n'),
    template: shown.template ?? '',
    system: shown.system ?? '',
    parameters: shownParameters(shown.parameters),
  };
}

const sortedEntries = (parameters: Record<string, string[]>) =>
  JSON.stringify(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const sameSettings = (a: ModelSettings, b: ModelSettings) =>
  a.weights === b.weights &&
  a.template === b.template &&
  a.system === b.system &&
  sortedEntries(a.parameters) === sortedEntries(b.parameters);

/** What creating the model from `base` with the Modelfile yields: the base's settings, overridden. */
function intended(base: ModelSettings, modelfile: Modelfile): ModelSettings {
  return {
    weights: base.weights,
    template: modelfile.template ?? base.template,
    system: modelfile.system ?? base.system,
    parameters: { ...base.parameters, ...requestedParameters(modelfile.parameters) },
  };
}

/**
 * Step 3: the base model is in Ollama (pulled when missing), and the zerochat model is
 * created from it with the Modelfile's system prompt and parameters, unless Ollama already
 * has it exactly so (same weights, template, system prompt and parameters).
 */
export function ollamaModelsStep(options: OllamaModelsOptions): BootstrapStep {
  const model = canonicalModelName(options.model);
  const base = canonicalModelName(options.baseModel);
  return {
    name: 'ollama-models',
    async run(log) {
      const done: string[] = [];
      try {
        const ollama = options.ollama(READ_TIMEOUT_MS);
        const installed = new Set((await ollama.list()).models.map((entry) => canonicalModelName(entry.name)));
        if (!installed.has(base)) {
          await options.baseModelSource(base, log);
          done.push(`pulled ${base}`);
        }
        const baseSettings = settingsOf(await ollama.show({ model: base }));
        const wanted = intended(baseSettings, options.modelfile);
        if (installed.has(model) && sameSettings(settingsOf(await ollama.show({ model })), wanted)) {
          return done.length
            ? { outcome: 'changed', reason: `${done.join('; ')}; ${model} is up to date` }
            : { outcome: 'ok', reason: `${model} is up to date (from ${base})` };
        }
        await options.ollama().create({
          model,
          from: base,
          ...(options.modelfile.system === undefined ? {} : { system: options.modelfile.system }),
          ...(options.modelfile.template === undefined ? {} : { template: options.modelfile.template }),
          parameters: options.modelfile.parameters,
          stream: false,
        });
        log.info('model created', { model, from: base });
        done.push(`${installed.has(model) ? 'updated' : 'created'} ${model} from ${base}`);
        return { outcome: 'changed', reason: done.join('; ') };
      } catch (error) {
        log.error('preparing the models failed', { err: error });
        const progress = done.length ? ` (after: ${done.join('; ')})` : '';
        return { outcome: 'failed', reason: `Ollama: ${describeFailure(error)}${progress}` };
      }
    },
  };
}
