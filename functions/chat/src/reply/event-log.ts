/**
 * The events of one reply, kept in order for its whole life, so that each reader (the
 * request that started it, a reader that reconnects) reads them at its own pace from where it
 * starts, and a slow reader never holds up the writer.
 */
export function createEventLog<T>() {
  const events: T[] = [];
  let ended = false;
  let arrived = Promise.withResolvers<void>();

  return {
    get ended() {
      return ended;
    },
    get length() {
      return events.length;
    },
    push(event: T): void {
      events.push(event);
      arrived.resolve();
      arrived = Promise.withResolvers();
    },
    end(): void {
      ended = true;
      arrived.resolve();
    },
    /** Every event from index `from` on, then each new one as it comes, until the end. */
    async *read(from = 0): AsyncGenerator<T> {
      let next = from;
      for (;;) {
        while (next < events.length) yield events[next++] as T;
        if (ended) return;
        await arrived.promise;
      }
    },
  };
}

export type EventLog<T> = ReturnType<typeof createEventLog<T>>;
