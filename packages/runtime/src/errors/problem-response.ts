import { isDuplicateKey } from '@zerochat/data';
import { HTTPException } from 'hono/http-exception';
import { AppError } from './app-error.ts';
import { conflict, databaseUnavailable, internalError, malformedJson } from './problems.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with zerochat's `code` and `requestId` extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: AppError['errors'];
  [extension: string]: unknown;
}

// MongoDB driver errors are recognised by name so that this module does not load the driver.
const MONGO_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

/**
 * A socket's own errors, which the driver passes on unwrapped when the server ends the
 * connection just as a command is written. The functions' other connections (Ollama, Kong, the
 * Kubernetes API) go through `fetch` or clients that wrap them, so one of these reaching a
 * route is the database's.
 */
const SOCKET_ENDED = new Set(['EPIPE', 'ECONNRESET']);

/** Whether a MongoDB driver error means the database cannot be reached (rather than a bad request). */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (MONGO_UNREACHABLE.has(error.name)) return true;
  if (SOCKET_ENDED.has(String((error as NodeJS.ErrnoException).code))) return true;
  // insertMany and bulkWrite wrap the driver's own error, an unreachable server included, in a
  // MongoBulkWriteError that keeps it as its errorResponse.
  return (
    error.name === 'MongoBulkWriteError' && isDatabaseUnreachable((error as { errorResponse?: unknown }).errorResponse)
  );
}

/** Turns anything thrown into an AppError; unknown errors become a bare 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) return fromHttpException(error);
  if (error instanceof Error) {
    if (isDatabaseUnreachable(error)) return databaseUnavailable(error);
    if (isDuplicateKey(error)) {
      return conflict('A resource with these unique values already exists.');
    }
  }
  return internalError(error);
}

function fromHttpException(error: HTTPException): AppError {
  // Hono's JSON validator raises a 400 for a body that does not parse; zerochat raises none.
  return error.status === 400 ? malformedJson() : internalError(error);
}

export function problemTypeUri(code: string): string {
  return `urn:zerochat:problem:${code}`;
}

export function toProblem(error: AppError, requestId: string): Problem {
  const problem: Problem = {
    // The standard members come last, so an extension can never replace one.
    ...error.extensions,
    type: problemTypeUri(error.code),
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
  };
  if (error.errors) problem.errors = error.errors;
  return problem;
}

export function problemResponse(error: AppError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set('content-type', PROBLEM_CONTENT_TYPE);
  headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(toProblem(error, requestId)), { status: error.status, headers });
}
