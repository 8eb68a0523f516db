import type { ApiKeyDocument } from '@zerochat/data';
import type { Logger } from '@zerochat/runtime';
import { type Collection, ObjectId } from 'mongodb';

export interface KeyUsage {
  /**
   * Counts one request made with the key (and the tokens of its completion) and marks the key
   * used now. Never fails: usage is bookkeeping, and a request must not fail over it.
   */
  record(keyId: string, tokens?: { prompt: number; completion: number }): Promise<void>;
}

export function createKeyUsage(options: {
  collection: Collection<ApiKeyDocument>;
  now: () => Date;
  log: Logger;
}): KeyUsage {
  return {
    async record(keyId, tokens) {
      try {
        await options.collection.updateOne(
          { _id: new ObjectId(keyId) },
          {
            $inc: {
              'usage.requests': 1,
              'usage.promptTokens': tokens?.prompt ?? 0,
              'usage.completionTokens': tokens?.completion ?? 0,
            },
            $set: { lastUsedAt: options.now() },
          },
        );
      } catch (error) {
        options.log.warn("recording an API key's usage failed", { keyId, err: error });
      }
    },
  };
}
