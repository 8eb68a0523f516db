import { normalizeEmail, PASSWORD_MIN_LENGTH, passwordLength, passwordLengthViolation } from './credentials.ts';

/** Decides whether a password may become an account's password (NIST SP 800-63B §3.1.1.2, ASVS 5.0 6.2). */
export interface PasswordPolicy {
  /** Why `password` may not be set for the account of `email`, as a sentence fragment; undefined when it may. */
  check(password: string, email: string): Promise<string | undefined>;
}

export interface PasswordPolicyOptions {
  /** The common passwords to refuse, lower-cased; by default the list below, loaded on first use. */
  commonPasswords?: () => Promise<ReadonlySet<string>>;
}

/**
 * The common-password list of zxcvbn-ts (`@zxcvbn-ts/language-common`): about 49 000 passwords
 * ranked by how often they appear in breach corpora, lower-cased. Shipped in the package, so no
 * network call; imported on the first check, so a cold start never pays for it (about 50 ms
 * and 3 MB once a process registers or changes a password). Only entries a password could
 * equal at all are kept: shorter ones fail the length rule anyway.
 */
async function zxcvbnCommonPasswords(): Promise<ReadonlySet<string>> {
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  const passwords = dictionary['passwords-common'] as readonly string[];
  return new Set(passwords.filter((password) => passwordLength(password) >= PASSWORD_MIN_LENGTH));
}

/** Words a password of this installation must not be, besides the account's own email. */
const CONTEXT_WORDS = ['zerochat'];

/**
 * Length (8 to 256 characters), then no common password (compared case-insensitively), no
 * single character repeated ("        ", "aaaaaaaa"), and not the account's email address, its
 * local part or the service's name. No composition rules: NIST and ASVS advise against them.
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const load = options.commonPasswords ?? zxcvbnCommonPasswords;
  let common: Promise<ReadonlySet<string>> | undefined;
  return {
    async check(password, email) {
      const length = passwordLengthViolation(password);
      if (length) return length;
      const typed = password.normalize('NFKC');
      const folded = typed.toLowerCase();
      if (new Set(typed).size === 1) return 'must not be one character repeated';
      const address = normalizeEmail(email);
      const contextWords = [address, address.split('@')[0] ?? '', ...CONTEXT_WORDS];
      if (contextWords.includes(folded))
        return 'must not be your email address, its name part or the name of this service';
      common ??= load().catch((error: unknown) => {
        common = undefined;
        throw error;
      });
      if ((await common).has(folded)) return 'is one of the most common passwords; choose one that others do not use';
      return undefined;
    },
  };
}
