import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnreachable, type Logger } from '@zerochat/runtime';

/** How long a write is retried while MongoDB is unreachable, unless the caller says otherwise. */
const STORE_RETRY_FOR_MS = 10 * 60_000;

export interface StoreWhenReachableOptions {
  /** What is stored, for the log: `a reply`, `an import`. */
  what: string;
  log: Logger;
  /** Retried until then at most. */
  until?: Date;
}

/**
 * Retries `store` (with backoff, up to 5 s apart) while MongoDB is unreachable, for a bounded
 * time: for work already accepted that must not be left half-written when MongoDB went away
 * under it. `store` must be safe to repeat.
 */
export async function storeWhenReachable(
  store: () => Promise<void>,
  options: StoreWhenReachableOptions,
): Promise<void> {
  const { what, log } = options;
  const deadline = options.until?.getTime() ?? Date.now() + STORE_RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { ref: false });
    try {
      await store();
      log.info('stored once MongoDB was back', { what, attempt });
      return;
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() > deadline) {
        log.error('storing failed for good', { what, err: error, attempt });
        return;
      }
    }
  }
}
