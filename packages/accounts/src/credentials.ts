// The rules for what a user types: how an email address is compared, how long a password may be.

/** Emails are compared trimmed and lower-cased; the stored address is in that form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Characters as a person counts them (code points), not UTF-16 units: "😀" is one. */
export function passwordLength(password: string): number {
  let count = 0;
  for (const _ of password) count++;
  return count;
}

/** Why a new password has not an acceptable length, or undefined when it has (see PasswordPolicy for the rest). */
export function passwordLengthViolation(password: string): string | undefined {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}
