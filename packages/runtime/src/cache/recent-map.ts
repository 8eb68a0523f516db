/**
 * A Map of at most `maxEntries`: setting a key makes it the newest, and when the map is full the
 * entry set longest ago goes. For the per-instance caches in front of the database, whose keys
 * come from clients (tokens, sessions, conversations) and so must not grow without bound.
 */
export class RecentMap<K, V> extends Map<K, V> {
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    super();
    this.#maxEntries = maxEntries;
  }

  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    // Map keeps insertion order: the first key is the one set longest ago.
    if (this.size > this.#maxEntries) this.delete(this.keys().next().value as K);
    return this;
  }
}
