import { describe, expect, it } from 'vitest';
import { cachedLookup } from './cached-lookup.ts';

/** A store that answers each key with how often it was asked, and a clock the test moves. */
function counting(trustMs: number, maxEntries = 10) {
  const asked = new Map<string, number>();
  let at = Date.parse('2026-12-03T12:00:00Z');
  let release = () => {};
  let held: Promise<void> | undefined;
  const lookUp = cachedLookup<number>({
    ask: async (key) => {
      const count = (asked.get(key) ?? 0) + 1;
      asked.set(key, count);
      await held;
      return count;
    },
    trustedUntil: (_answer, now) => now + trustMs,
    maxEntries,
    now: () => new Date(at),
  });
  return {
    lookUp,
    asked: (key: string) => asked.get(key) ?? 0,
    advance: (ms: number) => (at += ms),
    hold: () => (held = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
  };
}

describe('cachedLookup', () => {
  it('gives a trusted answer again without asking, and asks once the trust has lapsed', async () => {
    const store = counting(1000);
    expect(await store.lookUp('k')).toBe(1);
    store.advance(999);
    expect(await store.lookUp('k')).toBe(1);
    store.advance(1);
    expect(await store.lookUp('k')).toBe(2);
    expect(store.asked('k')).toBe(2);
  });

  it('asks the store once for concurrent lookups of one key', async () => {
    const store = counting(0);
    store.hold();
    const answers = Promise.all([store.lookUp('k'), store.lookUp('k'), store.lookUp('other')]);
    store.release();
    expect(await answers).toEqual([1, 1, 1]);
    expect(store.asked('k')).toBe(1);
    // Not trusted at all: the next lookup asks again.
    expect(await store.lookUp('k')).toBe(2);
  });

  it('asks again after a failed question instead of remembering it', async () => {
    let fail = true;
    const lookUp = cachedLookup<string>({
      ask: async (key) => {
        if (fail) throw new Error('store down');
        return key;
      },
      trustedUntil: () => Number.POSITIVE_INFINITY,
      maxEntries: 10,
      now: () => new Date(),
    });
    await expect(lookUp('k')).rejects.toThrow('store down');
    fail = false;
    expect(await lookUp('k')).toBe('k');
  });

  it('forgets the least recently asked key when full', async () => {
    const store = counting(60_000, 2);
    await store.lookUp('a');
    await store.lookUp('b');
    await store.lookUp('c');
    await store.lookUp('b');
    await store.lookUp('a');
    expect([store.asked('a'), store.asked('b'), store.asked('c')]).toEqual([2, 1, 1]);
  });
});
