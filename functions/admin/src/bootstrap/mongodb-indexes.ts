import { ensureIndexes, INDEXES } from '@zerochat/data';
import type { Db } from 'mongodb';
import type { BootstrapStep } from './bootstrap.ts';
import { describeFailure } from './failure.ts';

/** Step 1: every index of every collection (packages/data), created where missing. */
export function mongodbIndexesStep(db: Db): BootstrapStep {
  return {
    name: 'mongodb-indexes',
    async run(log) {
      let results: Awaited<ReturnType<typeof ensureIndexes>>;
      try {
        results = await ensureIndexes(db, INDEXES);
      } catch (error) {
        log.error('creating indexes failed', { err: error });
        return { outcome: 'failed', reason: `MongoDB: ${describeFailure(error)}` };
      }
      const created = results.filter((result) => result.outcome === 'changed').map((result) => result.index);
      return created.length
        ? {
            outcome: 'changed',
            reason: `created ${created.length} of ${results.length} indexes: ${created.join(', ')}`,
          }
        : { outcome: 'ok', reason: `all ${results.length} indexes exist` };
    },
  };
}
