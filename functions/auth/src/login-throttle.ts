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
  /**
   * Records the attempt as a failure before its password is checked, then counts. Throws 429
   * rate_limited with Retry-After (and withdraws the record) while the account or the address
   * has no failures left; otherwise the caller checks the password and settles the attempt.
   * A wrong password needs nothing more: it is counted already.
   */
  begin(attempt: LoginAttempt): Promise<PendingAttempt>;
}

/** An attempt counted as a failure until it is settled otherwise. */
export interface PendingAttempt {
  /** The password was right: the attempt is withdrawn and the account's failures are forgiven. */
  succeeded(): Promise<void>;
  /** Not a guess after all (the right password of a disabled account): not counted. */
  withdraw(): Promise<void>;
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
 * window per account and per client address. Each attempt is recorded as a failure by an insert
 * before its password is checked, and only then counted: an attempt goes ahead when the count
 * it sees, its own record included, is within the limit. Inserts and reads are all it needs, so
 * this holds under concurrency on MongoDB and FerretDB alike (FerretDB's conditional updates are
 * not atomic): of any number of parallel guesses, at most the limit are checked, because the
 * last of them to count sees the records of all the others. Attempts turned away withdraw their
 * record, so an attack cannot grow the collection past the limits; in a burst, an attempt may
 * be turned away that would have fitted, never the other way round.
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

  /** How long until `own`'s counter has room again (0 when it has room now, `own` included). */
  async function waitFor(own: LoginFailureDocument, at: number): Promise<number> {
    const limit = limits[own.kind];
    const recent = await collection
      .find({ key: own.key, at: { $gt: new Date(at - windowMs) } }, { projection: { at: 1 } })
      .sort({ at: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    if (recent.length <= limit) return 0;
    // Room again when the oldest of the newest `limit` others leaves the window.
    const others = recent.filter((failure) => !failure._id.equals(own._id));
    const oldest = others[limit - 1] ?? others.at(-1);
    return Math.max(1, (oldest?.at.getTime() ?? at) + windowMs - at);
  }

  return {
    async begin(attempt) {
      const at = now();
      const expiresAt = new Date(at.getTime() + windowMs);
      const records = counters(attempt).map((counter) => ({ _id: new ObjectId(), ...counter, at, expiresAt }));
      await collection.insertMany(records);
      const withdraw = async () => {
        await collection.deleteMany({ _id: { $in: records.map((record) => record._id) } });
      };
      // Each counter's wait (0 when not blocked), counted at once.
      const waits = await Promise.all(records.map((record) => waitFor(record, at.getTime())));
      const retryAfterMs = Math.max(...waits);
      if (retryAfterMs > 0) {
        await withdraw();
        const seconds = Math.ceil(retryAfterMs / 1000);
        throw rateLimited(seconds, `Too many failed logins. Try again in ${seconds} seconds.`);
      }
      return {
        withdraw,
        async succeeded() {
          // The account's failures go, this attempt's included; the address keeps its count.
          await Promise.all([withdraw(), collection.deleteMany({ key: accountKey(attempt.email) })]);
        },
      };
    },
  };
}
