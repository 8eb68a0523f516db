import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type GenerationSlotDocument } from '@zerochat/data';
import { AppError } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../test/support/capture-log.ts';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { createGenerationSlots } from './generation-slots.ts';

const database = useTestDatabase();
const slotsCollection = () => database.db.collection<GenerationSlotDocument>(COLLECTIONS.generationSlots);

function slots(options: { limit: number; leaseMs?: number; now?: () => Date }) {
  return createGenerationSlots({ collection: slotsCollection(), log: captureLog().log, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('generation slots', () => {
  it('gives each user `limit` slots, answers 429 with Retry-After beyond that, and frees released ones', async () => {
    const limited = slots({ limit: 2 });
    const alice = new ObjectId();
    const bob = new ObjectId();
    const first = await limited.acquire(alice);
    const second = await limited.acquire(alice);
    const refused = await rejection(limited.acquire(alice));
    expect({ status: refused.status, code: refused.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('5');

    // Another user is not affected.
    await (await limited.acquire(bob)).release();

    await first.release();
    await first.release();
    const third = await limited.acquire(alice);
    await Promise.all([second.release(), third.release()]);
    expect(await slotsCollection().countDocuments({ userId: alice })).toBe(0);
  });

  it('holds across instances: two slot sets over one collection share the limit', async () => {
    const user = new ObjectId();
    const instanceA = slots({ limit: 1 });
    const instanceB = slots({ limit: 1 });
    const held = await instanceA.acquire(user);
    expect((await rejection(instanceB.acquire(user))).code).toBe('rate_limited');
    await held.release();
    await (await instanceB.acquire(user)).release();
  });

  it('lets only `limit` of many simultaneous requests through', async () => {
    const user = new ObjectId();
    const limited = slots({ limit: 2 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => limited.acquire(user)));
    const granted = results.filter((result) => result.status === 'fulfilled');
    expect(granted).toHaveLength(2);
    await Promise.all(granted.map((result) => result.value.release()));
  });

  it("waits for the user's releases under way on this instance, so a slot let go is never refused", async () => {
    const user = new ObjectId();
    // A database slow to delete: the release is still under way when the next acquire comes.
    const collection = slotsCollection();
    const slowToDelete = new Proxy(collection, {
      get: (target, name, receiver) =>
        name === 'deleteOne'
          ? async (...args: Parameters<typeof collection.deleteOne>) => {
              await sleep(300);
              return target.deleteOne(...args);
            }
          : Reflect.get(target, name, receiver),
    });
    const limited = createGenerationSlots({ collection: slowToDelete, log: captureLog().log, limit: 1 });
    const held = await limited.acquire(user);
    // Not waited for, as a reply's end does not wait for it.
    void held.release();
    const next = await limited.acquire(user);
    expect(await slotsCollection().countDocuments({ userId: user })).toBe(1);
    await next.release();
    expect(await slotsCollection().countDocuments({ userId: user })).toBe(0);
  });

  it('frees the slot of a holder that stopped renewing (a crashed instance) once its lease expires', async () => {
    const user = new ObjectId();
    let clock = new Date('2030-01-01T00:00:00Z');
    const limited = slots({ limit: 1, leaseMs: 60_000, now: () => clock });
    await slotsCollection().insertOne({
      _id: `${user.toHexString()}:0`,
      userId: user,
      leaseId: new ObjectId(),
      expiresAt: new Date(clock.getTime() + 60_000),
    });
    expect((await rejection(limited.acquire(user))).code).toBe('rate_limited');
    clock = new Date(clock.getTime() + 61_000);
    await (await limited.acquire(user)).release();
  });

  it('renews the lease of a held slot', async () => {
    const user = new ObjectId();
    const limited = slots({ limit: 1, leaseMs: 300 });
    const held = await limited.acquire(user);
    const before = (await slotsCollection().findOne({ userId: user }))?.expiresAt.getTime() ?? 0;
    await sleep(250);
    const after = (await slotsCollection().findOne({ userId: user }))?.expiresAt.getTime() ?? 0;
    expect(after).toBeGreaterThan(before);
    await held.release();
  });
});
