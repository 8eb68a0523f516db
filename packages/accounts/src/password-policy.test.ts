import { describe, expect, it } from 'vitest';
import { createPasswordPolicy } from './password-policy.ts';

const policy = createPasswordPolicy();
const EMAIL = 'ada.lovelace@example.com';

describe('the password policy', () => {
  it.each([
    ['password', 'a common password'],
    ['12345678', 'a common password'],
    ['qwerty123', 'a common password'],
    ['PassWord1', 'a common password in another case'],
    ['        ', 'eight spaces'],
    ['zzzzzzzzzz', 'one character repeated'],
    ['😀😀😀😀😀😀😀😀', 'one emoji repeated'],
    [EMAIL, 'the email itself'],
    ['Ada.Lovelace@Example.com', 'the email in another case'],
    ['ada.lovelace', "the email's name part"],
    ['ZeroChat', "the service's name"],
    ['short', 'too short'],
  ])('refuses %j (%s)', async (password) => {
    expect(await policy.check(password, EMAIL)).toEqual(expect.any(String));
  });

  it.each([['correct horse battery'], ['Tr0ub4dor&3x'], ['ada.lovelace@example.org'], ['aaaaaaab']])(
    'accepts %j',
    async (password) => {
      expect(await policy.check(password, EMAIL)).toBeUndefined();
    },
  );

  it('says why, in words a person can act on', async () => {
    expect(await policy.check('password1', EMAIL)).toBe(
      'is one of the most common passwords; choose one that others do not use',
    );
    expect(await policy.check(EMAIL, EMAIL)).toBe(
      'must not be your email address, its name part or the name of this service',
    );
  });

  it('loads the list once, and again after a failed load', async () => {
    let loads = 0;
    const flaky = createPasswordPolicy({
      async commonPasswords() {
        loads++;
        if (loads === 1) throw new Error('disk hiccup');
        return new Set(['letmeinplease']);
      },
    });
    await expect(flaky.check('letmeinplease', EMAIL)).rejects.toThrow('disk hiccup');
    expect(await flaky.check('letmeinplease', EMAIL)).toEqual(expect.any(String));
    expect(await flaky.check('something else entirely', EMAIL)).toBeUndefined();
    expect(loads).toBe(2);
  });
});
