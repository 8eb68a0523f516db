import { OfflineError, toApiError } from './problem.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/**
 * One request to zerochat's API on the page's own origin. A network failure becomes an
 * OfflineError, an answer that is not 2xx an ApiError; the 2xx Response is returned unread.
 */
export async function send(request: HttpRequest): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(request.path, {
      method: request.method,
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: request.signal ?? null,
      // Cookies go only to this origin, and the refresh cookie only to /auth (its Path).
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new OfflineError('zerochat could not be reached', { cause: error });
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** The JSON body of a 2xx answer; undefined for 204. */
export async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
