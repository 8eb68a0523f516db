import { describe, expect, it } from 'vitest';
import {
  createPasswordHasher,
  formatPasswordHash,
  PASSWORD_HASH_FLOOR,
  PasswordHashFormatError,
  parsePasswordHash,
} from './password-hash.ts';

// The argon2id vector of the reference implementation (phc-winner-argon2, src/test.c).
const REFERENCE = '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';

const hasher = createPasswordHasher(PASSWORD_HASH_FLOOR);

describe('argon2id password hashes', () => {
  it('verifies the reference implementation vector, and only with its password', async () => {
    expect(await hasher.verify('password', REFERENCE)).toEqual({ valid: true, needsRehash: true });
    expect((await hasher.verify('passwore', REFERENCE)).valid).toBe(false);
  });

  it('writes PHC strings with the configured parameters, a fresh 16-byte salt and a 32-byte hash', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    const parsed = parsePasswordHash(first);
    expect([parsed.salt.length, parsed.hash.length]).toEqual([16, 32]);
    expect(formatPasswordHash(parsed)).toBe(first);
    expect(await hasher.verify('correct horse battery', first)).toEqual({ valid: true, needsRehash: false });
  });

  it('never truncates or case-folds a password', async () => {
    const long = `${'x'.repeat(255)}a`;
    const stored = await hasher.hash(long);
    expect((await hasher.verify(`${'x'.repeat(255)}b`, stored)).valid).toBe(false);
    expect((await hasher.verify('x'.repeat(255), stored)).valid).toBe(false);
    const mixed = await hasher.hash('Correct Horse');
    expect((await hasher.verify('correct horse', mixed)).valid).toBe(false);
    expect((await hasher.verify('Correct Horse ', mixed)).valid).toBe(false);
  });

  it('matches a password typed with composed or decomposed accents (Unicode NFKC)', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait');
    expect((await hasher.verify('cafe\u0301 au lait', stored)).valid).toBe(true);
  });

  it('asks for a rehash when the parameters changed', async () => {
    const stronger = createPasswordHasher({ ...PASSWORD_HASH_FLOOR, passes: 3 });
    const old = await hasher.hash('correct horse battery');
    expect(await stronger.verify('correct horse battery', old)).toEqual({ valid: true, needsRehash: true });
    const renewed = await stronger.hash('correct horse battery');
    expect(renewed).toContain('$m=19456,t=3,p=1$');
    expect(await stronger.verify('correct horse battery', renewed)).toEqual({ valid: true, needsRehash: false });
  });

  it.each([
    ['memory under 19 MiB', { memoryKiB: 19_455 }],
    ['one pass', { passes: 1 }],
    ['no lanes', { parallelism: 0 }],
    ['fractional memory', { memoryKiB: 20_000.5 }],
  ])('refuses %s', (_name, change) => {
    expect(() => createPasswordHasher({ ...PASSWORD_HASH_FLOOR, ...change })).toThrow(RangeError);
  });

  it.each([
    ['argon2i', REFERENCE.replace('argon2id', 'argon2i')],
    ['another version', REFERENCE.replace('v=19', 'v=16')],
    ['4 GiB of memory', REFERENCE.replace('m=65536', 'm=4194304')],
    ['1000 passes', REFERENCE.replace('t=2', 't=999')],
    ['a bcrypt hash', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'],
    ['a plain text', 'hunter2'],
  ])('refuses to verify against %s', async (_name, stored) => {
    await expect(hasher.verify('password', stored)).rejects.toBeInstanceOf(PasswordHashFormatError);
  });

  it('spends about the time of a verification when there is no hash to verify', async () => {
    const stored = await hasher.hash('correct horse battery');
    const time = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const verify: number[] = [];
    const spend: number[] = [];
    for (let i = 0; i < 5; i++) {
      verify.push(await time(() => hasher.verify('wrong password', stored)));
      spend.push(await time(() => hasher.spendVerifyTime('wrong password')));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[2] ?? 0;
    expect(median(spend)).toBeGreaterThan(median(verify) * 0.5);
    expect(median(spend)).toBeLessThan(median(verify) * 3);
  });
});
