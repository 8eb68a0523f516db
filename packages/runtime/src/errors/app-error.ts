import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One input value that failed validation, as listed in a problem's `errors` member. */
export interface FieldError {
  /** Where the value came from. */
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer (RFC 6901) to the value inside its source; "" for the source as a whole. */
  pointer: string;
  detail: string;
}

export interface AppErrorInit {
  /** Stable snake_case identifier that clients branch on. */
  code: string;
  status: ContentfulStatusCode;
  /** Short summary that is the same for every occurrence of `code`. */
  title: string;
  /** What went wrong this time, safe to show to the caller. */
  detail: string;
  errors?: readonly FieldError[];
  /** RFC 9457 extension members: more facts a client can use, such as a report. */
  extensions?: Readonly<Record<string, unknown>>;
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

/**
 * The one error type zerochat throws on purpose. Everything else that reaches the error
 * handler is treated as a bug and answered with a bare 500.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly status: ContentfulStatusCode;
  readonly title: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: AppErrorInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.errors = init.errors;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  get detail(): string {
    return this.message;
  }
}
