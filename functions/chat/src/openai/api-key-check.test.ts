// The key check on a clock the test moves: how long an answer is trusted, and what it costs.
import { type ApiKeyDocument, COLLECTIONS, type UserDocument } from '@zerochat/data';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { apiKeyStore, keyOwner } from '../../test/key-owner.ts';
import { createApiKeyCheck } from './api-key-check.ts';

const database = useTestDatabase();
const CACHE_MS = 2000;
let at = Date.parse('2026-12-01T08:00:00Z');
const clock = {
  now: () => new Date(at),
  advance(ms: number) {
    at += ms;
  },
};
const users = () => database.db.collection<UserDocument>(COLLECTIONS.users);

/** The check over a database whose reads of api_keys are counted. */
function countedCheck() {
  let reads = 0;
  const keys = database.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys);
  const counted = new Proxy(database.db, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) => {
        if (name !== COLLECTIONS.apiKeys) return target.collection(name);
        return new Proxy(keys, {
          get(inner, method, innerReceiver) {
            if (method === 'findOne') reads += 1;
            return Reflect.get(inner, method, innerReceiver);
          },
        });
      };
    },
  });
  const check = createApiKeyCheck({ db: counted, cacheMs: CACHE_MS, now: clock.now });
  return { check, reads: () => reads };
}

describe('the API key check', () => {
  it('answers the key’s owner, and asks the database once per key and cache period', async () => {
    const { user, issued } = await keyOwner(database);
    const { check, reads } = countedCheck();
    const answers = await Promise.all(Array.from({ length: 10 }, () => check(issued.key)));
    expect(answers[0]).toEqual({
      userId: user._id.toHexString(),
      role: 'user',
      tokenId: `api-key:${issued.document._id.toHexString()}`,
      sessionId: `api-key:${issued.document._id.toHexString()}`,
      apiKeyId: issued.document._id.toHexString(),
    });
    expect(reads()).toBe(1);
    clock.advance(CACHE_MS - 1);
    await check(issued.key);
    expect(reads()).toBe(1);
    clock.advance(1);
    await check(issued.key);
    expect(reads()).toBe(2);
  });

  it('refuses a revoked key once the cache period has passed, not later', async () => {
    const { user, issued } = await keyOwner(database);
    const { check } = countedCheck();
    expect(typeof (await check(issued.key))).toBe('object');
    await apiKeyStore(database).revoke(user._id, issued.document._id);
    clock.advance(CACHE_MS - 1);
    expect(typeof (await check(issued.key))).toBe('object');
    clock.advance(1);
    expect(await check(issued.key)).toBe('unknown');
  });

  it('refuses the key of a disabled account within the cache period, and takes it again once enabled', async () => {
    const { user, issued } = await keyOwner(database);
    const { check } = countedCheck();
    await check(issued.key);
    await users().updateOne({ _id: user._id }, { $set: { disabled: true } });
    clock.advance(CACHE_MS);
    expect(await check(issued.key)).toBe('account_disabled');
    await users().updateOne({ _id: user._id }, { $set: { disabled: false } });
    clock.advance(CACHE_MS);
    expect(typeof (await check(issued.key))).toBe('object');
  });

  it('refuses a key from the moment it expires, cached or not', async () => {
    const { issued } = await keyOwner(database, new Date(at + 60_000));
    const { check } = countedCheck();
    expect(typeof (await check(issued.key))).toBe('object');
    clock.advance(60_000);
    expect(await check(issued.key)).toBe('expired');
  });

  it('remembers an unknown key too, so guessing costs the database one read per key and period', async () => {
    const { check, reads } = countedCheck();
    const guess = `zc-${'G'.repeat(43)}`;
    for (let i = 0; i < 5; i++) expect(await check(guess)).toBe('unknown');
    expect(reads()).toBe(1);
  });
});
