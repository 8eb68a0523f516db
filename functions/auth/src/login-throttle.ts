import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { normalizeEmail } from '@zerochat/accounts';
import type { LoginFailureDocument } from '@zerochat/data';
import { rateLimited } from '@zerochat/runtime';
import { type Collection, ObjectId } from 'mongodb';

export interface LoginThrottleOptions {
  collection: Collection<LoginFailureDocument>;
  now: () => Date;
  windowSeconds: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
}

/** What one login attempt is counted against: its account and its client address. */
export interface LoginAttempt {
  email: string;
  /** Undefined when the address is not known (then only the account counts). */
  address: string | undefined;
}

export interface LoginThrottle {
  /** Throws 429 rate_limited with Retry-After while the account or the address has no failures left. */
  assertAllowed(attempt: LoginAttempt): Promise<void>;
  recordFailure(attempt: LoginAttempt): Promise<void>;
  /** A successful login clears the account's failures (never the address's). */
  forgive(email: string): Promise<void>;
}

// Emails are stored hashed: failures also name addresses that belong to no account.
const accountKey = (email: string) => `account:${createHash('sha256').update(normalizeEmail(email)).digest('hex')}`;

/**
 * IPv4 addresses count one by one; IPv6 addresses by their /64, since one host can use a
 * whole /64. IPv4-mapped IPv6 addresses count as IPv4.
 */
export function addressBucket(rawAddress: string): string {
  const address = rawAddress.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const prefix = groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}

/**
 * Failed logins in MongoDB, so every instance of the function sees the same counts: a sliding
 * window per account and per client address. Each failure is an insert, never an update, so
 * concurrent failures are all counted on MongoDB and FerretDB alike. Requests that are turned
 * away are not counted, so an attack cannot grow the collection past the limits.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { collection, now } = options;
  const windowMs = options.windowSeconds * 1000;
  const limits = { account: options.maxFailuresPerAccount, address: options.maxFailuresPerAddress } as const;

  const counters = (attempt: LoginAttempt) => {
    const keys: Array<Pick<LoginFailureDocument, 'key' | 'kind'>> = [
      { key: accountKey(attempt.email), kind: 'account' },
    ];
    if (attempt.address) keys.push({ key: `address:${addressBucket(attempt.address)}`, kind: 'address' });
    return keys;
  };

  return {
    async assertAllowed(attempt) {
      const at = now().getTime();
      // Each counter's wait (0 when not blocked), the counters read at once.
      const waits = await Promise.all(
        counters(attempt).map(async ({ key, kind }) => {
          const failures = await collection
            .find({ key, at: { $gt: new Date(at - windowMs) } }, { projection: { at: 1 } })
            .sort({ at: -1 })
            .limit(limits[kind])
            .toArray();
          // Blocked until the oldest of the last `limit` failures leaves the window.
          const oldest = failures.length >= limits[kind] ? failures.at(-1) : undefined;
          return oldest ? oldest.at.getTime() + windowMs - at : 0;
        }),
      );
      const retryAfterMs = Math.max(...waits);
      if (retryAfterMs <= 0) return;
      const seconds = Math.ceil(retryAfterMs / 1000);
      throw rateLimited(seconds, `Too many failed logins. Try again in ${seconds} seconds.`);
    },

    async recordFailure(attempt) {
      const at = now();
      const expiresAt = new Date(at.getTime() + windowMs);
      await collection.insertMany(
        counters(attempt).map((counter) => ({ _id: new ObjectId(), ...counter, at, expiresAt })),
      );
    },

    async forgive(email) {
      await collection.deleteMany({ key: accountKey(email) });
    },
  };
}
