import { type AppError, type Logger, toAppError, upstreamUnavailable } from '@zerochat/runtime';
import type { ChatSettings } from '../config.ts';
import { ModelServerError, unreachableDetail } from '../model-server.ts';
import { modelNotFound, upstreamError, upstreamTimeout } from '../problems.ts';

/** The problem for a reply that failed before any text; undefined when the client left. */
export function startFailure(
  error: unknown,
  stopped: AbortSignal,
  model: string,
  settings: ChatSettings,
  log: Logger,
): AppError | undefined {
  if (stopped.aborted) {
    if (stopped.reason !== 'first_token_timeout' && stopped.reason !== 'timeout') return undefined;
    const waited = Math.min(settings.CHAT_FIRST_TOKEN_TIMEOUT_MS, settings.CHAT_GENERATION_TIMEOUT_MS);
    log.warn('no first token in time', { model, waitedMs: waited });
    return upstreamTimeout(Math.ceil(waited / 1000));
  }
  if (!(error instanceof ModelServerError)) return toAppError(error);
  log.warn('the reply could not start', { model, kind: error.kind, upstream: error.upstreamMessage });
  if (error.kind === 'model_not_found') return modelNotFound(model);
  if (error.kind === 'unreachable') {
    return upstreamUnavailable(
      unreachableDetail(error, 'The model server cannot be reached right now. Try again shortly.'),
      error,
    );
  }
  return upstreamError(error);
}

/** The problem for a reply that broke off; Ollama's own words go to the log only. */
export function midReplyFailure(failure: unknown, log: Logger): AppError {
  const kind = failure instanceof ModelServerError ? failure.kind : 'failed';
  log.error('the reply broke off', {
    kind,
    upstream: failure instanceof ModelServerError ? failure.upstreamMessage : undefined,
    err: failure,
  });
  if (kind === 'unreachable') {
    return upstreamUnavailable('The model server went away while replying. Try again shortly.', failure);
  }
  return failure instanceof ModelServerError ? upstreamError(failure) : toAppError(failure);
}
