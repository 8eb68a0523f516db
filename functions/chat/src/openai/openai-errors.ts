import { AppError } from '@zerochat/runtime';

/** An error as OpenAI's API answers it: `{"error": {message, type, param, code}}`. */
export interface OpenAiError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** OpenAI's error `type` for a status: its SDKs pick the error class by status, people read the type. */
function typeFor(status: number): string {
  if (status === 403) return 'permission_error';
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Zerochat's codes where OpenAI has its own word for the same thing. */
const OPENAI_CODES: Readonly<Record<string, string>> = {
  rate_limited: 'rate_limit_exceeded',
};

/** "/messages/0/content" as OpenAI names a parameter: "messages[0].content". */
function paramOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

export function toOpenAiError(error: AppError): OpenAiError {
  const param = typeof error.extensions.param === 'string' ? error.extensions.param : null;
  const fields = error.code === 'validation_failed' ? (error.errors ?? []) : [];
  if (fields.length > 0) {
    const named = fields.map((field) => ({ param: paramOf(field.pointer), detail: field.detail }));
    const unknown = named.find((field) => field.detail === 'Unknown field.');
    if (unknown) {
      return {
        message: `Unrecognized request argument supplied: ${unknown.param}`,
        type: 'invalid_request_error',
        param: unknown.param,
        code: 'unknown_parameter',
      };
    }
    return {
      message: named.map((field) => `Invalid '${field.param || 'body'}': ${field.detail}`).join('; '),
      type: 'invalid_request_error',
      param: named[0]?.param || null,
      code: 'invalid_value',
    };
  }
  return { message: error.detail, type: typeFor(error.status), param, code: OPENAI_CODES[error.code] ?? error.code };
}

/** The response for an error at /v1: OpenAI's shape and status, zerochat's request id and headers. */
export function openAiErrorResponse(error: AppError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set('content-type', 'application/json');
  headers.set('x-request-id', requestId);
  return new Response(JSON.stringify({ error: toOpenAiError(error) }), { status: error.status, headers });
}

/** 400 for a parameter zerochat does not offer (tools, n > 1, images), naming it. */
export function unsupportedParameter(param: string, message: string): AppError {
  return new AppError({
    code: 'unsupported_parameter',
    status: 400,
    title: 'Unsupported parameter',
    detail: message,
    extensions: { param },
  });
}

/** 400 for a value out of what zerochat allows, naming the parameter. */
export function invalidValue(param: string, message: string): AppError {
  return new AppError({
    code: 'invalid_value',
    status: 400,
    title: 'Invalid value',
    detail: message,
    extensions: { param },
  });
}

/** An unknown model, or one the allow-list leaves out: the same answer, as OpenAI words it. */
export function modelNotFound(model: string): AppError {
  return new AppError({
    code: 'model_not_found',
    status: 404,
    title: 'Model not found',
    detail: `The model \`${model}\` does not exist or you do not have access to it. GET /v1/models lists the ones you may use.`,
    extensions: { param: 'model' },
  });
}
