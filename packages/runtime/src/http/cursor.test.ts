import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { cursorParam, encodeCursor } from './cursor.ts';

const Position = z.strictObject({ at: z.number().int(), id: z.string().regex(/^[0-9a-f]{24}$/) });
const cursor = cursorParam(Position);

describe('page cursors', () => {
  it('round-trip a position through an opaque, URL-safe string', () => {
    const position = { at: 1_767_225_600_000, id: '0123456789abcdef01234567' };
    const text = encodeCursor(position);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor.parse(text)).toEqual(position);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['the wrong shape', encodeCursor({ at: 'yesterday', id: '0123456789abcdef01234567' })],
    [
      'an extra key',
      Buffer.from(JSON.stringify({ at: 1, id: '0123456789abcdef01234567', $gt: 1 })).toString('base64url'),
    ],
    ['too long', 'A'.repeat(600)],
  ])('rejects a cursor that is %s with one issue', (_name, text) => {
    const result = cursor.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
  });
});
