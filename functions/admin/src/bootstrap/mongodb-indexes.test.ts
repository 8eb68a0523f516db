import { INDEXES } from '@zerochat/data';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { mongodbIndexesStep } from './mongodb-indexes.ts';

const database = useTestDatabase();

describe('the MongoDB index step', () => {
  it('creates every index of every collection (changed), then finds them all (ok)', async () => {
    const { log } = captureLog();
    const first = await mongodbIndexesStep(database.db).run(log);
    expect(first.outcome).toBe('changed');
    expect(first.reason).toMatch(
      new RegExp(`^created ${INDEXES.length} of ${INDEXES.length} indexes: users\\.email_unique, `),
    );
    for (const index of INDEXES) {
      const names = (await database.db.collection(index.collection).indexes()).map((existing) => existing.name);
      expect(names, `${index.collection}.${index.name}`).toContain(index.name);
    }
    expect(await mongodbIndexesStep(database.db).run(log)).toEqual({
      outcome: 'ok',
      reason: `all ${INDEXES.length} indexes exist`,
    });
  });

  it('fails with the reason when MongoDB is unreachable', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:9/', { serverSelectionTimeoutMS: 200 });
    try {
      expect(await mongodbIndexesStep(client.db('x')).run(captureLog().log)).toEqual({
        outcome: 'failed',
        reason: 'MongoDB: unreachable (MongoServerSelectionError)',
      });
    } finally {
      await client.close();
    }
  });
});
