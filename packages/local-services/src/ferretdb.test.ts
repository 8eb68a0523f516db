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
});
