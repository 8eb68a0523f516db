import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnreachable, type Logger } from '@zerochat/runtime';

/** How long a reply's final state is retried while MongoDB is unreachable. */
const STORE_RETRY_FOR_MS = 10 * 60_000;

/** Retries `store` (with backoff, up to 5 s apart) while MongoDB is unreachable, for a bounded time. */
export async function storeWhenReachable(store: () => Promise<void>, log: Logger): Promise<void> {
  const deadline = Date.now() + STORE_RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { ref: false });
    try {
      await store();
      log.info('stored a reply once MongoDB was back', { attempt });
      return;
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() > deadline) {
        log.error('storing a reply failed for good', { err: error, attempt });
        return;
      }
    }
  }
}
