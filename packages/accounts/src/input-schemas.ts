import { z } from '@hono/zod-openapi';
import { OBJECT_ID_HEX } from '@zerochat/data';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordLength } from './credentials.ts';

// How an email address and a password are taken from a request body, for every function that
// takes them (auth's registration and login, admin's user creation).

/** Trimmed and lower-cased before it is checked, stored or compared. */
export const NewEmail = z.string().trim().toLowerCase().max(EMAIL_MAX_LENGTH).pipe(z.email()).openapi({
  format: 'email',
  description: 'Compared and stored trimmed and lower-cased.',
  example: 'ada@example.com',
});

export const Email = z
  .string()
  .trim()
  .min(1)
  .max(EMAIL_MAX_LENGTH)
  .openapi({ description: 'Compared trimmed and lower-cased.', example: 'ada@example.com' });

/** Lengths count characters (code points), not bytes; passwords are never trimmed, cut or case-folded. */
function passwordOf(minLength: number) {
  return z
    .string()
    .max(PASSWORD_MAX_LENGTH * 2)
    .refine(
      (password) => passwordLength(password) >= minLength && passwordLength(password) <= PASSWORD_MAX_LENGTH,
      minLength === 1
        ? `Must be at most ${PASSWORD_MAX_LENGTH} characters.`
        : `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
    )
    .openapi({ minLength, maxLength: PASSWORD_MAX_LENGTH, format: 'password' });
}

export const NewPassword = passwordOf(PASSWORD_MIN_LENGTH);
/** A password to check, not to set: any length a stored one can have. */
export const Password = passwordOf(1);

/** An id in a path, as the API writes ObjectIds (parseObjectId reads it). */
export const IdString = z
  .string()
  .regex(OBJECT_ID_HEX, 'must be a 24-character hex id')
  .openapi({ example: '6650c0ffee0123456789abcd' });
