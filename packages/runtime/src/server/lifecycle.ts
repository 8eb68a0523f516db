/**
 * Shared between the app (readiness answers 503 while draining) and the server (which
 * drains on SIGTERM). Work that must outlive its request, such as saving a stream's final
 * state, is `track`ed so shutdown waits for it before closing the database.
 */
export interface Lifecycle {
  readonly draining: boolean;
  startDraining(): void;
  track<T>(work: Promise<T>): Promise<T>;
  /** Aborts once a shutdown's grace period is over: tracked work still running must end now. */
  readonly graceOver: AbortSignal;
  endGrace(): void;
  /** Resolves when all tracked work has settled, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  const pending = new Set<Promise<unknown>>();
  const grace = new AbortController();

  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    graceOver: grace.signal,
    endGrace() {
      grace.abort();
    },
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
      return work;
    },
    async settled(timeoutMs) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const timedOut = new Promise<void>((resolve) => deadline.addEventListener('abort', () => resolve()));
      while (pending.size > 0 && !deadline.aborted) await Promise.race([Promise.all(pending), timedOut]);
    },
  };
}
