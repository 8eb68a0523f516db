import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, isDuplicateKey, type LockDocument, type UserDocument } from '@zerochat/data';
import { conflict } from '@zerochat/runtime';
import type { Db, ObjectId } from 'mongodb';
import { lastAdmin, notAnAdmin } from '../problems.ts';

export interface AdminRoster {
  /**
   * Runs `change`, which takes admin rights from `target` (a demotion, a disable, the start of
   * a deletion), only if `actor` is still an enabled admin and another enabled admin than
   * `target` remains: else 403 forbidden or 409 last_admin, and nothing is changed. One such
   * change runs at a time across every instance, so two admins who demote or disable each
   * other at the same moment cannot leave none.
   */
  removeAdminRights<T>(actor: ObjectId, target: ObjectId, change: () => Promise<T>): Promise<T>;
}

export interface AdminRosterOptions {
  db: Db;
  now: () => Date;
  /** How long a holder may keep the lock before another instance takes it over. */
  leaseMs?: number;
  /** How long a change waits for the lock before it answers 409 conflict. */
  waitMs?: number;
}

const LOCK_ID = 'admin-roster';

/**
 * The roster's lock is a lease in `locks` under a fixed `_id`: taken by an insert, which the
 * unique `_id` lets succeed once. (A conditional update could not decide this: "another admin
 * remains" is about other documents, and FerretDB's conditional updates are not atomic anyway.)
 * Inside it the count of the other enabled admins is read and the change written, so the
 * check and the write of two racing changes never interleave.
 */
export function createAdminRoster(options: AdminRosterOptions): AdminRoster {
  const locks = options.db.collection<LockDocument>(COLLECTIONS.locks);
  const users = options.db.collection<UserDocument>(COLLECTIONS.users);
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 10_000;

  async function acquire(holder: string): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await locks.insertOne({ _id: LOCK_ID, holder, expiresAt: new Date(options.now().getTime() + leaseMs) });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // A holder that died leaves its lease behind: it may be taken once it ran out.
      const { deletedCount } = await locks.deleteOne({ _id: LOCK_ID, expiresAt: { $lte: options.now() } });
      if (deletedCount > 0) continue;
      if (Date.now() > deadline) throw conflict('Another change to the admins is in progress. Try again.');
      await sleep(20 + Math.random() * 30);
    }
  }

  return {
    async removeAdminRights(actor, target, change) {
      const holder = randomUUID();
      await acquire(holder);
      try {
        const [acting, others] = await Promise.all([
          users.findOne({ _id: actor }, { projection: { role: 1, disabled: 1 } }),
          users.countDocuments({ _id: { $ne: target }, role: 'admin', disabled: false }),
        ]);
        if (acting?.role !== 'admin' || acting.disabled) throw notAnAdmin();
        if (others === 0) throw lastAdmin();
        return await change();
      } finally {
        await locks.deleteOne({ _id: LOCK_ID, holder });
      }
    },
  };
}
