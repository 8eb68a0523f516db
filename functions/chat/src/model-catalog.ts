import { canonicalModelName } from '@zerochat/ollama';
import { type Logger, upstreamUnavailable } from '@zerochat/runtime';
import { type InstalledModel, type ModelServer, ModelServerError, unreachableDetail } from './model-server.ts';
import { modelNotFound } from './problems.ts';

/** How long listing Ollama's models may take before Ollama counts as unavailable. */
const LIST_TIMEOUT_MS = 5000;

export interface ModelCatalogOptions {
  models: ModelServer;
  /** Canonical name of the default model; always allowed. */
  defaultModel: string;
  /** Canonical names users may pick; empty allows every installed model. */
  allowList: readonly string[];
}

export interface ModelCatalog {
  readonly defaultModel: string;
  /** The installed models users may use. */
  available(log: Logger): Promise<InstalledModel[]>;
  /** The model a new or changed conversation gets: the default, or an allowed, installed one. */
  resolve(requested: string | undefined, log: Logger): Promise<string>;
  /**
   * The canonical name of a model the allow-list lets users ask for, without asking Ollama:
   * for a request that goes to Ollama anyway, whose 404 then says the model is not installed.
   * Throws model_not_found otherwise.
   */
  permitted(requested: string): string;
}

export function createModelCatalog(options: ModelCatalogOptions): ModelCatalog {
  const allowed = (name: string) =>
    name === options.defaultModel || options.allowList.length === 0 || options.allowList.includes(name);

  async function available(log: Logger): Promise<InstalledModel[]> {
    try {
      const installed = await options.models.listModels(AbortSignal.timeout(LIST_TIMEOUT_MS));
      return installed.filter((model) => allowed(model.name));
    } catch (error) {
      log.warn('listing Ollama models failed', {
        err: error,
        upstream: error instanceof ModelServerError ? error.upstreamMessage : undefined,
      });
      throw upstreamUnavailable(
        unreachableDetail(error, 'The model server cannot be reached right now. Try again shortly.'),
        error,
      );
    }
  }

  function permitted(requested: string): string {
    const name = canonicalModelName(requested);
    // An allow-list miss needs no call to Ollama and looks the same as a missing model.
    if (!allowed(name)) throw modelNotFound(name);
    return name;
  }

  return {
    defaultModel: options.defaultModel,
    available,
    permitted,
    async resolve(requested, log) {
      if (requested === undefined) return options.defaultModel;
      const name = permitted(requested);
      if (!(await available(log)).some((model) => model.name === name)) throw modelNotFound(name);
      return name;
    },
  };
}
