import { z } from '@hono/zod-openapi';

// Keyset pagination cursors: the sort position of the last item of a page, as base64url
// JSON. Opaque to clients; validated like any other input when it comes back.

const MAX_CURSOR_LENGTH = 512;

export function encodeCursor(position: Readonly<Record<string, string | number>>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * A query parameter holding a cursor made by `encodeCursor`; parses to the position. Anything
 * else, a tampered cursor included, is one validation error at the parameter.
 */
export function cursorParam<S extends z.ZodType>(position: S) {
  return z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/)
    .transform((text, ctx): z.output<S> => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      } catch {
        decoded = undefined;
      }
      const parsed = position.safeParse(decoded);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'Not a cursor from a previous page.' });
      return z.NEVER;
    })
    .openapi({ description: 'The `nextCursor` of the previous page.' });
}
