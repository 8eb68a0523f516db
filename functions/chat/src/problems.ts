import { AppError, notFound } from '@zerochat/runtime';

// Problems only the chat function raises; the shared ones come from @zerochat/runtime.

/** Also what another user's conversation is: it is not found, not forbidden. */
export const conversationNotFound = (): AppError => notFound('No such conversation.');

export function modelNotFound(model: string): AppError {
  return new AppError({
    code: 'model_not_found',
    status: 404,
    title: 'Model not found',
    detail: `The model "${model}" is not available. GET /chat/models lists the ones that are.`,
  });
}

export function upstreamError(cause?: unknown): AppError {
  return new AppError({
    code: 'upstream_error',
    status: 502,
    title: 'Upstream error',
    detail: 'The model server failed while producing the reply. Try again.',
    cause,
  });
}

export function upstreamTimeout(seconds: number): AppError {
  return new AppError({
    code: 'upstream_timeout',
    status: 504,
    title: 'Upstream timeout',
    detail: `The model did not start replying within ${seconds} seconds. Try again; a model that was loading may be ready now.`,
    headers: { 'retry-after': '5' },
  });
}

export const messageNotFound = (): AppError => notFound('No such message in this conversation.');
