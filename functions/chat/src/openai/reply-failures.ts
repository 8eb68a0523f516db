import { type AppError, type Logger, toAppError, upstreamUnavailable } from '@zerochat/runtime';
import { ModelServerError, unreachableDetail } from '../model-server.ts';
import { upstreamError, upstreamTimeout } from '../problems.ts';
import { modelNotFound } from './openai-errors.ts';

/** The error for a completion that failed before any text; undefined when the client left. */
export function startFailure(
  error: unknown,
  stopped: AbortSignal,
  model: string,
  waitedMs: number,
  log: Logger,
): AppError | undefined {
  if (stopped.aborted) {
    if (stopped.reason === 'cancelled') return undefined;
    log.warn('no first token in time', { model, waitedMs });
    return upstreamTimeout(Math.ceil(waitedMs / 1000));
  }
  if (!(error instanceof ModelServerError)) return toAppError(error);
  log.warn('the completion could not start', { model, kind: error.kind, upstream: error.upstreamMessage });
  if (error.kind === 'model_not_found') return modelNotFound(model);
  if (error.kind === 'unreachable') {
    return upstreamUnavailable(
      unreachableDetail(error, 'The model server cannot be reached right now. Try again shortly.'),
      error,
    );
  }
  return upstreamError(error);
}

// A completion that broke off mid-reply fails as a reply does.
export { midReplyFailure } from '../reply/reply-failures.ts';
