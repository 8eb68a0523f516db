import type { Logger } from '@zerochat/runtime';
import type { ObjectId } from 'mongodb';
import type { ChatStore } from '../chat-store.ts';

export interface ProgressOptions {
  store: Pick<ChatStore, 'saveProgress'>;
  replyId: ObjectId;
  intervalMs: number;
  /** false: only look for a stop request, save no text. */
  writes: boolean;
  /** The reply's text so far. */
  text: () => string;
  /** Called when a stop was requested elsewhere, or the reply was deleted. */
  onStop: () => void;
  log: Logger;
}

/**
 * Saves a reply's text so far at most once per interval, one write at a time and never in the
 * path of the tokens (so streaming keeps its pace), and watches for a stop request that
 * reached another instance (the same round trip tells).
 */
export function watchProgress(options: ProgressOptions) {
  let saved = options.text();
  let inFlight: Promise<void> | undefined;
  let failures = 0;

  const tick = () => {
    if (inFlight) return;
    const text = options.text();
    const save = options.writes && text !== saved ? text : undefined;
    inFlight = options.store
      .saveProgress(options.replyId, save)
      .then((goOn) => {
        if (save !== undefined) saved = save;
        failures = 0;
        if (!goOn) options.onStop();
      })
      .catch((error: unknown) => {
        // The final save retries on its own; a missed progress save only delays readers elsewhere.
        if (failures++ === 0) options.log.warn('saving a reply in progress failed', { err: error });
      })
      .finally(() => {
        inFlight = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);

  return {
    /** Stops the saves; resolves once the one under way (if any) is done, so it cannot land after the final save. */
    async end(): Promise<void> {
      clearInterval(timer);
      await inFlight;
    },
  };
}
