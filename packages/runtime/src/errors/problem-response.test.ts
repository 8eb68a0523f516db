import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { PROBLEM_CONTENT_TYPE, problemResponse, toAppError } from './problem-response.ts';
import { rateLimited, validationFailed } from './problems.ts';

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error('socket hang up at 10.0.0.7:27017'), { name, ...extra });

describe('problem+json mapping', () => {
  it('renders an AppError as RFC 9457 problem details with code and request id', async () => {
    const response = problemResponse(
      validationFailed([{ in: 'body', pointer: '/email', detail: 'Invalid email address' }]),
      'req-1',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.json()).toEqual({
      type: 'urn:zerochat:problem:validation_failed',
      title: 'Validation failed',
      status: 400,
      detail: '1 input value is not valid.',
      code: 'validation_failed',
      requestId: 'req-1',
      errors: [{ in: 'body', pointer: '/email', detail: 'Invalid email address' }],
    });
  });

  it('adds extension members, which cannot replace the standard ones', async () => {
    const error = new AppError({
      code: 'step_failed',
      status: 503,
      title: 'Step failed',
      detail: 'One step failed.',
      extensions: { report: { steps: 2 }, status: 200, code: 'other' },
    });
    expect(await problemResponse(error, 'r').json()).toEqual({
      type: 'urn:zerochat:problem:step_failed',
      title: 'Step failed',
      status: 503,
      detail: 'One step failed.',
      code: 'step_failed',
      requestId: 'r',
      report: { steps: 2 },
    });
  });

  it('carries the headers an error sets, such as Retry-After', () => {
    const response = problemResponse(rateLimited(2.2, 'Slow down.'), 'r');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it.each([
    [
      'a Hono JSON parse failure',
      new HTTPException(400, { message: 'Malformed JSON in request body' }),
      400,
      'malformed_json',
    ],
    [
      'a duplicate key',
      Object.assign(new Error('E11000 duplicate key error'), { name: 'MongoServerError', code: 11000 }),
      409,
      'conflict',
    ],
    ['an unreachable MongoDB', named('MongoServerSelectionError'), 503, 'database_unavailable'],
    ['a dropped MongoDB connection', named('MongoNetworkError'), 503, 'database_unavailable'],
    ['a closed client', named('MongoTopologyClosedError'), 503, 'database_unavailable'],
    [
      "the database's socket ended mid-write",
      Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
      503,
      'database_unavailable',
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'internal_error'],
    ['a thrown string', 'boom', 500, 'internal_error'],
  ])('maps %s', async (_name, error, status, code) => {
    const appError = toAppError(error);
    expect(appError).toBeInstanceOf(AppError);
    expect({ status: appError.status, code: appError.code }).toEqual({ status, code });
  });

  it('never puts internals of an unknown error into the body', async () => {
    const secret = new Error('password=hunter2 at /srv/app/db.ts:42');
    const body = await problemResponse(toAppError(secret), 'r').text();
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('db.ts');
    expect(JSON.parse(body)).not.toHaveProperty('stack');
    const mongo = await problemResponse(toAppError(named('MongoNetworkError')), 'r').text();
    expect(mongo).not.toContain('10.0.0.7');
  });
});
