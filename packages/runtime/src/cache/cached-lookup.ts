import { RecentMap } from './recent-map.ts';

export interface CachedLookupOptions<V> {
  /** Asks the store; its answer is remembered. */
  ask: (key: string) => Promise<V>;
  /** Until when an answer is trusted, in ms since the epoch; given the time it arrived. */
  trustedUntil: (answer: V, now: number) => number;
  /** Answers remembered at most; the least recently asked go first. */
  maxEntries: number;
  now: () => Date;
}

/**
 * `ask` behind a short per-instance cache: a trusted answer is given again without asking, and
 * concurrent asks for one key share one question to the store. A busy key so costs one lookup
 * per trust period, not one per request.
 */
export function cachedLookup<V>(options: CachedLookupOptions<V>): (key: string) => Promise<V> {
  const known = new RecentMap<string, { answer: V; until: number }>(options.maxEntries);
  const asking = new Map<string, Promise<V>>();

  const ask = async (key: string) => {
    const answer = await options.ask(key);
    known.set(key, { answer, until: options.trustedUntil(answer, options.now().getTime()) });
    return answer;
  };

  return function lookUp(key) {
    const cached = known.get(key);
    if (cached && cached.until > options.now().getTime()) return Promise.resolve(cached.answer);
    let pending = asking.get(key);
    if (!pending) {
      pending = ask(key).finally(() => asking.delete(key));
      asking.set(key, pending);
    }
    return pending;
  };
}
