// What can go wrong talking to the API, and how to say it to a person.

/** A field the API refused, as in problem+json's `errors`. */
export interface FieldProblem {
  in: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem answer of the API. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldProblem[];
  /** Seconds from Retry-After, when the answer had one (429, some 503s). */
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code?: string | undefined;
    title?: string | undefined;
    detail?: string | undefined;
    errors?: readonly FieldProblem[] | undefined;
    retryAfterSeconds?: number | undefined;
    requestId?: string | undefined;
  }) {
    super(init.detail ?? init.title ?? `HTTP ${init.status}`);
    this.status = init.status;
    this.code = init.code ?? `http_${init.status}`;
    this.title = init.title ?? 'Request failed';
    this.detail = init.detail ?? '';
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.requestId = init.requestId;
  }
}

/** The network failed: offline, or zerochat did not answer at all. */
export class OfflineError extends Error {
  override readonly name = 'OfflineError';
}

/** Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** An answer that is not 2xx, as an ApiError: its problem document, or what the status says. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: Partial<{ code: string; title: string; detail: string; errors: FieldProblem[]; requestId: string }> = {};
  const type = response.headers.get('content-type') ?? '';
  if (/json/.test(type)) body = await response.json().catch(() => ({}));
  return new ApiError({
    status: response.status,
    code: body.code,
    title: body.title,
    detail: body.detail,
    errors: body.errors,
    retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
    requestId: body.requestId ?? response.headers.get('x-request-id') ?? undefined,
  });
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** "/newPassword" → "new password". */
function fieldName(pointer: string): string {
  const last = pointer.split('/').filter(Boolean).at(-1) ?? 'input';
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export interface ErrorWords {
  title: string;
  detail: string;
}

/** What went wrong, in words a person understands. */
export function describeError(error: unknown): ErrorWords {
  if (error instanceof OfflineError) {
    return {
      title: 'You seem to be offline',
      detail: 'zerochat could not be reached. Check your connection; nothing you typed is lost.',
    };
  }
  if (!(error instanceof ApiError)) {
    return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
  }
  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    return {
      title: 'Too many requests',
      detail: `${error.detail ? `${error.detail} ` : ''}${wait === undefined ? 'Please wait a moment' : `Try again in ${formatWait(wait)}`}.`,
    };
  }
  if (error.code === 'upstream_unavailable') {
    return {
      title: 'The model is not available right now',
      detail: 'The model server is starting or cannot be reached. Try again in a moment.',
    };
  }
  if (error.code === 'upstream_timeout') {
    return { title: 'The model took too long to answer', detail: 'It may still be loading. Try again in a moment.' };
  }
  if (error.code === 'shutting_down' || error.code === 'database_unavailable') {
    return { title: 'zerochat is busy restarting', detail: 'Try again in a few seconds.' };
  }
  if (error.code === 'validation_failed' && error.errors.length > 0) {
    return {
      title: 'Please check what you entered',
      detail: error.errors.map((field) => `${fieldName(field.pointer)}: ${field.detail}`).join(' '),
    };
  }
  if (error.status >= 500) {
    return {
      title: error.title === 'Request failed' ? 'zerochat had a problem' : error.title,
      detail: `${error.detail || 'The server could not complete this.'}${error.requestId ? ` (request ${error.requestId})` : ''}`,
    };
  }
  return { title: error.title, detail: error.detail };
}

/**
 * A 404 for a route as such: the zerochat this page talks to lacks the feature (an older
 * function, or a path Kong does not route yet). Only meaningful for a path that names no
 * resource, such as a list; there the page leaves the feature out instead of failing.
 */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && (error.code === 'not_found' || error.code === 'http_404');
}
