import { type GenerationSlotDocument, isDuplicateKey } from '@zerochat/data';
import { type Logger, rateLimited } from '@zerochat/runtime';
import { type Collection, ObjectId } from 'mongodb';

export interface GenerationSlot {
  /** The lease, new on each acquire: a reply records it, so that others can tell it is alive. */
  leaseId: ObjectId;
  /** Frees the slot; safe to call more than once. */
  release(): Promise<void>;
}

export interface GenerationSlots {
  /**
   * Takes one of the user's slots, or throws 429 rate_limited when all are busy. `leaseId`, new
   * for each call, may be made by the caller, who can then record it before the slot is taken.
   * A release of the user's on this instance still under way is waited for first, so that a
   * reply's end is free to not wait for its release: the user's next request is never refused
   * for a slot that is already let go.
   */
  acquire(userId: ObjectId, leaseId?: ObjectId): Promise<GenerationSlot>;
  /** Whether the lease is held still: renewed in time and not released. */
  held(leaseId: ObjectId): Promise<boolean>;
}

export interface GenerationSlotOptions {
  collection: Collection<GenerationSlotDocument>;
  /** Slots per user. */
  limit: number;
  /** How long a slot stays taken without renewal: the most a crashed instance can block it. */
  leaseMs?: number;
  now?: () => Date;
  log: Logger;
}

const DEFAULT_LEASE_MS = 60_000;
const RETRY_AFTER_S = 5;

/**
 * Per-user limit on concurrent generations, shared by every instance through MongoDB: each
 * slot is a document with a unique `_id`, taken by one atomic upsert that only matches a free
 * (expired) slot. A holder renews its lease while it generates, so a slot whose instance died
 * comes free after `leaseMs`.
 */
export function createGenerationSlots(options: GenerationSlotOptions): GenerationSlots {
  const { collection, limit, log } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = options.now ?? (() => new Date());
  const expiry = () => new Date(now().getTime() + leaseMs);
  /** Releases under way, by user. */
  const releasing = new Map<string, Set<Promise<void>>>();

  async function take(userId: ObjectId, slot: number, leaseId: ObjectId): Promise<boolean> {
    try {
      await collection.updateOne(
        { _id: `${userId.toHexString()}:${slot}`, expiresAt: { $lte: now() } },
        { $set: { userId, leaseId, expiresAt: expiry() } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      // The slot exists and has not expired, so the upsert tried to insert its _id again.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  return {
    async acquire(userId, leaseId = new ObjectId()) {
      const user = userId.toHexString();
      const letGo = releasing.get(user);
      if (letGo) await Promise.allSettled(letGo);
      for (let slot = 0; slot < limit; slot++) {
        if (!(await take(userId, slot, leaseId))) continue;
        const filter = { _id: `${user}:${slot}`, leaseId };
        const renewal = setInterval(() => {
          collection
            .updateOne(filter, { $set: { expiresAt: expiry() } })
            .catch((error: unknown) => log.warn('renewing a generation slot failed', { err: error }));
        }, leaseMs / 3);
        let released: Promise<void> | undefined;
        return {
          leaseId,
          release() {
            clearInterval(renewal);
            if (!released) {
              const deleting = collection.deleteOne(filter).then(() => undefined);
              const underWay = releasing.get(user) ?? new Set();
              releasing.set(user, underWay.add(deleting));
              void deleting
                .catch(() => undefined)
                .finally(() => {
                  underWay.delete(deleting);
                  if (underWay.size === 0 && releasing.get(user) === underWay) releasing.delete(user);
                });
              released = deleting;
            }
            return released;
          },
        };
      }
      throw rateLimited(
        RETRY_AFTER_S,
        `You have ${limit} ${limit === 1 ? 'reply' : 'replies'} in progress; wait for one to finish.`,
      );
    },

    async held(leaseId) {
      return (await collection.countDocuments({ leaseId, expiresAt: { $gt: now() } }, { limit: 1 })) === 1;
    },
  };
}
