// Short, safe descriptions of why a dependency call failed, for bootstrap reports and the
// status document. They name the kind of failure, never credentials or stack traces; the
// full error goes to the log.
import { isDatabaseUnreachable } from '@zerochat/runtime';

/** An error whose message was written for operators and is safe to report as it is. */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error instanceof DependencyError) return error.message;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  // fetch() rejects with a bare TypeError whose cause names the socket error.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const why = typeof cause?.code === 'string' ? cause.code : cause?.message;
    return `unreachable (${typeof why === 'string' ? why : 'network error'})`;
  }
  if (isDatabaseUnreachable(error)) return `unreachable (${error.name})`;
  if (error.name.startsWith('Mongo')) {
    const codeName = (error as { codeName?: unknown }).codeName;
    return typeof codeName === 'string' ? `${error.name} ${codeName}` : error.name;
  }
  // ollama-js: Ollama's own error text, e.g. "pull model manifest: file does not exist".
  if (error.name === 'ResponseError') return error.message;
  return error.name;
}
