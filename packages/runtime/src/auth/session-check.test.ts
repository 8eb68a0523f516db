import { COLLECTIONS, type RefreshTokenDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { createSessionCheck } from './session-check.ts';

const database = useTestDatabase();
const tokens = () => database.db.collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens);

/** A clock the test moves; the cache and the expiry query both read it. */
function clock(start = new Date('2026-11-26T12:00:00Z')) {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (ms: number) => (at += ms) };
}

async function session(now: Date, expiresInMs = 3600_000) {
  const familyId = crypto.randomUUID();
  const expiresAt = new Date(now.getTime() + expiresInMs);
  await tokens().insertOne({
    _id: new ObjectId(),
    userId: new ObjectId(),
    familyId,
    tokenHash: crypto.randomUUID(),
    parentHash: `family:${familyId}`,
    createdAt: now,
    expiresAt,
    sessionExpiresAt: expiresAt,
  });
  return familyId;
}

describe('the session check', () => {
  it('finds a live session live, and an unknown one ended', async () => {
    const time = clock();
    const check = createSessionCheck({ db: database.db, cacheMs: 2000, now: time.now });
    expect(await check(await session(time.now()))).toBe(true);
    expect(await check('no-such-session')).toBe(false);
  });

  it('sees a revocation once the cache time has passed, not before', async () => {
    const time = clock();
    const check = createSessionCheck({ db: database.db, cacheMs: 2000, now: time.now });
    const familyId = await session(time.now());
    expect(await check(familyId)).toBe(true);
    await tokens().updateMany({ familyId }, { $set: { revokedAt: time.now() } });
    time.advance(1999);
    expect(await check(familyId)).toBe(true);
    time.advance(1);
    expect(await check(familyId)).toBe(false);
  });

  it('sees a session end at its expiry, and a deleted one as ended', async () => {
    const time = clock();
    const check = createSessionCheck({ db: database.db, cacheMs: 0, now: time.now });
    const expiring = await session(time.now(), 10_000);
    const deleted = await session(time.now());
    expect(await check(expiring)).toBe(true);
    time.advance(10_000);
    expect(await check(expiring)).toBe(false);
    expect(await check(deleted)).toBe(true);
    await tokens().deleteMany({ familyId: deleted });
    expect(await check(deleted)).toBe(false);
  });

  it('asks the store once for concurrent checks of one session, and remembers an ended one', async () => {
    const time = clock();
    const asked: string[] = [];
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'collection') return Reflect.get(target, property, receiver);
        return (name: string) => {
          const collection = target.collection(name);
          return new Proxy(collection, {
            get(inner, member, innerReceiver) {
              if (member !== 'findOne') return Reflect.get(inner, member, innerReceiver);
              return (filter: { familyId: string }, ...rest: unknown[]) => {
                asked.push(filter.familyId);
                return (inner.findOne as (...args: unknown[]) => unknown).call(inner, filter, ...rest);
              };
            },
          });
        };
      },
    });
    const check = createSessionCheck({ db, cacheMs: 2000, now: time.now });
    const familyId = await session(time.now());
    expect(await Promise.all(Array.from({ length: 20 }, () => check(familyId)))).toEqual(Array(20).fill(true));
    expect(asked).toEqual([familyId]);
    expect(await check('ended-long-ago')).toBe(false);
    time.advance(3_600_000);
    expect(await check('ended-long-ago')).toBe(false);
    expect(asked).toEqual([familyId, 'ended-long-ago']);
  });
});
