import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const deriveKey = promisify(argon2);

/** argon2id cost parameters, as the PHC string spells them: `m`, `t`, `p`. */
export interface PasswordHashParams {
  /** Memory in KiB (`m`). */
  memoryKiB: number;
  /** Passes over the memory (`t`). */
  passes: number;
  /** Lanes (`p`). */
  parallelism: number;
}

/** The OWASP floor for argon2id: 19 MiB, 2 passes, 1 lane. Weaker settings are refused. */
export const PASSWORD_HASH_FLOOR: Readonly<PasswordHashParams> = { memoryKiB: 19_456, passes: 2, parallelism: 1 };
export const DEFAULT_PASSWORD_HASH_PARAMS: Readonly<PasswordHashParams> = PASSWORD_HASH_FLOOR;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const VERSION = 19;
/**
 * The most a hash may cost, configured or read back from the database: a tampered or corrupt
 * record must not make a login allocate gigabytes or spin for minutes.
 */
export const PASSWORD_HASH_MAX: Readonly<PasswordHashParams> = { memoryKiB: 1_048_576, passes: 64, parallelism: 16 };

/** A parsed `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string. */
export interface PasswordHash extends PasswordHashParams {
  salt: Buffer;
  hash: Buffer;
}

const PHC =
  /^\$argon2id\$v=(\d+)\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,86})\$([A-Za-z0-9+/]{22,171})$/;

/** The stored value is not an argon2id PHC string this code can verify. */
export class PasswordHashFormatError extends Error {
  override readonly name = 'PasswordHashFormatError';
}

export function parsePasswordHash(phc: string): PasswordHash {
  const match = PHC.exec(phc);
  if (!match) throw new PasswordHashFormatError('not an argon2id PHC string');
  const [, version, m, t, p, salt = '', hash = ''] = match;
  const params = { memoryKiB: Number(m), passes: Number(t), parallelism: Number(p) };
  if (Number(version) !== VERSION) throw new PasswordHashFormatError(`unsupported argon2 version ${version}`);
  if (
    params.parallelism < 1 ||
    params.parallelism > PASSWORD_HASH_MAX.parallelism ||
    params.passes < 1 ||
    params.passes > PASSWORD_HASH_MAX.passes ||
    params.memoryKiB < 8 * params.parallelism ||
    params.memoryKiB > PASSWORD_HASH_MAX.memoryKiB
  ) {
    throw new PasswordHashFormatError('argon2id parameters out of range');
  }
  return { ...params, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** PHC strings use standard base64 without padding. */
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export function formatPasswordHash(value: PasswordHash): string {
  return `$argon2id$v=${VERSION}$m=${value.memoryKiB},t=${value.passes},p=${value.parallelism}$${b64(value.salt)}$${b64(value.hash)}`;
}

export interface PasswordCheck {
  valid: boolean;
  /** The hash was made with other parameters than the current ones: store a new one. */
  needsRehash: boolean;
}

export interface PasswordHasher {
  readonly params: Readonly<PasswordHashParams>;
  /** A new PHC string with a fresh salt. */
  hash(password: string): Promise<string>;
  /** Checks a password against a stored PHC string in constant time. */
  verify(password: string, phc: string): Promise<PasswordCheck>;
  /** Spends the time of one verification, so an unknown account answers as slowly as a known one. */
  spendVerifyTime(password: string): Promise<void>;
}

export function assertPasswordHashParams(params: PasswordHashParams): void {
  const { memoryKiB, passes, parallelism } = params;
  const floor = PASSWORD_HASH_FLOOR;
  if (!Number.isInteger(memoryKiB) || memoryKiB < floor.memoryKiB || memoryKiB > PASSWORD_HASH_MAX.memoryKiB) {
    throw new RangeError(`argon2id memory must be ${floor.memoryKiB} to ${PASSWORD_HASH_MAX.memoryKiB} KiB`);
  }
  if (!Number.isInteger(passes) || passes < floor.passes || passes > PASSWORD_HASH_MAX.passes) {
    throw new RangeError(`argon2id passes must be ${floor.passes} to ${PASSWORD_HASH_MAX.passes}`);
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > PASSWORD_HASH_MAX.parallelism) {
    throw new RangeError(`argon2id parallelism must be 1 to ${PASSWORD_HASH_MAX.parallelism}`);
  }
}

// NIST SP 800-63B: normalise Unicode so that the same password typed on another keyboard or
// system still matches. Nothing else is changed: no trimming, truncation or case folding.
const passwordBytes = (password: string) => Buffer.from(password.normalize('NFKC'), 'utf8');

async function derive(password: string, params: PasswordHashParams, salt: Buffer, length: number): Promise<Buffer> {
  return deriveKey('argon2id', {
    message: passwordBytes(password),
    nonce: salt,
    memory: params.memoryKiB,
    passes: params.passes,
    parallelism: params.parallelism,
    tagLength: length,
  });
}

/** argon2id through node:crypto; the work runs on libuv's thread pool, not the event loop. */
export function createPasswordHasher(params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS): PasswordHasher {
  assertPasswordHashParams(params);
  const current = { ...params };
  const decoySalt = randomBytes(SALT_BYTES);

  return {
    params: current,
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      return formatPasswordHash({ ...current, salt, hash: await derive(password, current, salt, HASH_BYTES) });
    },
    async verify(password, phc) {
      const stored = parsePasswordHash(phc);
      const computed = await derive(password, stored, stored.salt, stored.hash.length);
      return {
        valid: timingSafeEqual(computed, stored.hash),
        needsRehash:
          stored.memoryKiB !== current.memoryKiB ||
          stored.passes !== current.passes ||
          stored.parallelism !== current.parallelism ||
          stored.salt.length !== SALT_BYTES ||
          stored.hash.length !== HASH_BYTES,
      };
    },
    async spendVerifyTime(password) {
      await derive(password, current, decoySalt, HASH_BYTES);
    },
  };
}
