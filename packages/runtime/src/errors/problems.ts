import { AppError, type FieldError } from './app-error.ts';

// Named constructors for the problems every function can raise. Function-specific problems
// are built the same way, next to the code that raises them.

export function validationFailed(errors: readonly FieldError[]): AppError {
  return new AppError({
    code: 'validation_failed',
    status: 400,
    title: 'Validation failed',
    detail: `${errors.length} input value${errors.length === 1 ? ' is' : 's are'} not valid.`,
    errors,
  });
}

export function malformedJson(): AppError {
  return new AppError({
    code: 'malformed_json',
    status: 400,
    title: 'Malformed JSON',
    detail: 'The request body is not valid JSON.',
  });
}

export function unsupportedMediaType(contentType: string | undefined): AppError {
  return new AppError({
    code: 'unsupported_media_type',
    status: 415,
    title: 'Unsupported media type',
    detail: `Request bodies must be application/json, not ${contentType ? `"${contentType}"` : 'untyped'}.`,
    headers: { 'accept-post': 'application/json' },
  });
}

export function payloadTooLarge(limitBytes: number): AppError {
  return new AppError({
    code: 'payload_too_large',
    status: 413,
    title: 'Payload too large',
    detail: `The request body is larger than ${limitBytes} bytes.`,
    // The rest of the body is not read, so this connection cannot carry another request.
    headers: { connection: 'close' },
  });
}

/** Node's HTTP parser refused the request head (it is never seen by a handler). */
export function headersTooLarge(): AppError {
  return new AppError({
    code: 'headers_too_large',
    status: 431,
    title: 'Request header fields too large',
    detail: 'The request headers are larger than the server accepts (16 KiB in all).',
    headers: { connection: 'close' },
  });
}

export function malformedRequest(): AppError {
  return new AppError({
    code: 'malformed_request',
    status: 400,
    title: 'Malformed request',
    detail: 'The request is not valid HTTP/1.1.',
    headers: { connection: 'close' },
  });
}

/** The client did not send its request head within the header timeout (slow-loris defence). */
export function requestTimeout(): AppError {
  return new AppError({
    code: 'request_timeout',
    status: 408,
    title: 'Request timeout',
    detail: 'The request head did not arrive in time.',
    headers: { connection: 'close' },
  });
}

export function notFound(detail = 'No such resource.'): AppError {
  return new AppError({ code: 'not_found', status: 404, title: 'Not found', detail });
}

export function conflict(detail: string): AppError {
  return new AppError({ code: 'conflict', status: 409, title: 'Conflict', detail });
}

export function forbidden(detail: string): AppError {
  return new AppError({ code: 'forbidden', status: 403, title: 'Forbidden', detail });
}

/** 401 with the RFC 6750 challenge, so clients know a (new) bearer token is wanted. */
export function unauthorized(code: string, detail: string): AppError {
  return new AppError({
    code,
    status: 401,
    title: 'Unauthorized',
    detail,
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${code}"` },
  });
}

export function rateLimited(retryAfterSeconds: number, detail: string): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError({
    code: 'rate_limited',
    status: 429,
    title: 'Too many requests',
    detail,
    headers: { 'retry-after': String(seconds) },
  });
}

export function upstreamUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError({
    code: 'upstream_unavailable',
    status: 503,
    title: 'Upstream unavailable',
    detail,
    cause,
  });
}

export function databaseUnavailable(cause?: unknown): AppError {
  return new AppError({
    code: 'database_unavailable',
    status: 503,
    title: 'Database unavailable',
    detail: 'The database cannot be reached right now. Try again shortly.',
    headers: { 'retry-after': '5' },
    cause,
  });
}

export function shuttingDown(): AppError {
  return new AppError({
    code: 'shutting_down',
    status: 503,
    title: 'Shutting down',
    detail: 'This instance is shutting down; retry and another one will answer.',
    headers: { connection: 'close', 'retry-after': '1' },
  });
}

export function internalError(cause?: unknown): AppError {
  return new AppError({
    code: 'internal_error',
    status: 500,
    title: 'Internal server error',
    detail: 'Something went wrong on our side. The request id identifies it in the logs.',
    cause,
  });
}
