import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/test-services.ts';
import { createFerretDb, type FerretDb } from './ferretdb.ts';
import { ensureFerretDb } from './go-build.ts';

// The FerretDB this package builds, started on its own: the shared one may be MONGODB_URI's.
let ferretdb: FerretDb;
let client: MongoClient;

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `ferretdb-build-${process.pid}`), registryDir });
  await ferretdb.start();
  client = await MongoClient.connect(ferretdb.uri);
});

afterAll(async () => {
  await client?.close();
  await ferretdb?.stop();
});

/** SQLite's plan for FerretDB's query, as FerretDB's explain gives it. */
async function planOf(collection: string, filter: Record<string, unknown>): Promise<string> {
  const explained = await client.db('build').command({ explain: { find: collection, filter } });
  return (explained.queryPlanner as { Plan: string[] }).Plan.join('\n');
}

describe('the FerretDB built here', () => {
  it('finds, updates and deletes a document by _id on its _id index, not by scanning', async () => {
    const messages = client.db('build').collection<{ _id: ObjectId | string; n: number }>('messages');
    const ids = [new ObjectId(), new ObjectId(), 'slot:0', 'slot:1'];
    await messages.insertMany(ids.map((_id, n) => ({ _id, n })));

    for (const [n, _id] of ids.entries()) {
      expect(await messages.findOne({ _id })).toEqual({ _id, n });
      const plan = await planOf('messages', { _id });
      expect(plan).toMatch(/SEARCH messages_\w+ USING INDEX messages_\w+__id_ /);
      expect(plan).not.toMatch(/\bSCAN\b/);
    }

    const [first, second, slot] = ids;
    expect((await messages.updateOne({ _id: second }, { $set: { n: 10 } })).modifiedCount).toBe(1);
    expect((await messages.deleteOne({ _id: slot })).deletedCount).toBe(1);
    expect(await messages.find({}, { sort: { n: 1 } }).toArray()).toEqual([
      { _id: first, n: 0 },
      { _id: 'slot:1', n: 3 },
      { _id: second, n: 10 },
    ]);
  });

  it('narrows a filter with more than _id to that document on the index, and answers as the whole filter says', async () => {
    const replies = client.db('build').collection<{ _id: ObjectId | string; status: string; n: number }>('replies');
    const [pending, done] = [new ObjectId(), new ObjectId()];
    await replies.insertMany([
      { _id: pending, status: 'pending', n: 1 },
      { _id: done, status: 'complete', n: 2 },
      { _id: 'slot:0', status: 'taken', n: 3 },
    ]);

    for (const filter of [
      { _id: pending, status: 'pending' },
      { _id: 'slot:0', n: { $lte: 3 } },
    ]) {
      const plan = await planOf('replies', filter);
      expect(plan).toMatch(/SEARCH replies_\w+ USING INDEX replies_\w+__id_ /);
      expect(plan).not.toMatch(/\bSCAN\b/);
    }

    // The rest of the filter still decides: a document of that _id that does not match it is not found.
    expect(await replies.findOne({ _id: done, status: 'pending' })).toBeNull();
    expect((await replies.updateOne({ _id: done, status: 'pending' }, { $set: { n: 20 } })).matchedCount).toBe(0);
    expect((await replies.updateOne({ _id: pending, status: 'pending' }, { $set: { n: 10 } })).matchedCount).toBe(1);
    expect((await replies.deleteOne({ _id: 'slot:0', n: { $gt: 3 } })).deletedCount).toBe(0);
    // An upsert whose filter misses the document of that _id collides with it, as on MongoDB.
    await expect(
      replies.updateOne({ _id: 'slot:0', n: { $gt: 3 } }, { $set: { status: 'taken' } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await replies.countDocuments({ _id: { $in: [pending, done] }, status: { $ne: 'pending' } })).toBe(1);
    expect(await replies.find({}, { sort: { n: 1 } }).toArray()).toEqual([
      { _id: done, status: 'complete', n: 2 },
      { _id: 'slot:0', status: 'taken', n: 3 },
      { _id: pending, status: 'pending', n: 10 },
    ]);
  });
});
