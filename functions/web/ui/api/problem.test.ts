import { describe, expect, it } from 'vitest';
import { ApiError, describeError, isMissingRoute, OfflineError, retryAfterSeconds } from './problem.ts';

describe('describeError', () => {
  it('gives a 429 its waiting time in words', () => {
    const words = describeError(new ApiError({ status: 429, code: 'rate_limited', retryAfterSeconds: 1 }));
    expect(words).toEqual({ title: 'Too many requests', detail: 'Try again in 1 second.' });
    expect(describeError(new ApiError({ status: 429, retryAfterSeconds: 150 })).detail).toBe('Try again in 3 minutes.');
  });

  it('says the model is away for 503 upstream_unavailable, and offline for a network failure', () => {
    expect(describeError(new ApiError({ status: 503, code: 'upstream_unavailable' })).title).toBe(
      'The model is not available right now',
    );
    expect(describeError(new OfflineError('down')).title).toBe('You seem to be offline');
  });

  it('names each refused field, and keeps the API’s own title and detail otherwise', () => {
    const invalid = new ApiError({
      status: 400,
      code: 'validation_failed',
      title: 'Validation failed',
      errors: [{ in: 'body', pointer: '/newPassword', detail: 'Must be 8 to 256 characters.' }],
    });
    expect(describeError(invalid)).toEqual({
      title: 'Please check what you entered',
      detail: 'new password: Must be 8 to 256 characters.',
    });
    const credentials = new ApiError({
      status: 401,
      title: 'Invalid credentials',
      detail: 'The email address or the password is wrong.',
    });
    expect(describeError(credentials)).toEqual({
      title: 'Invalid credentials',
      detail: 'The email address or the password is wrong.',
    });
  });

  it('adds the request id to a server error', () => {
    expect(describeError(new ApiError({ status: 500, requestId: 'r-1' })).detail).toContain('(request r-1)');
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterSeconds('12')).toBe(12);
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});

describe('isMissingRoute', () => {
  it("is a route's 404 (a function's not_found, or Kong's bare 404), not a named resource's or another failure", () => {
    expect(isMissingRoute(new ApiError({ status: 404, code: 'not_found' }))).toBe(true);
    expect(isMissingRoute(new ApiError({ status: 404 }))).toBe(true);
    expect(isMissingRoute(new ApiError({ status: 404, code: 'api_key_not_found' }))).toBe(false);
    expect(isMissingRoute(new ApiError({ status: 401, code: 'not_found' }))).toBe(false);
    expect(isMissingRoute(new OfflineError('down'))).toBe(false);
  });
});
