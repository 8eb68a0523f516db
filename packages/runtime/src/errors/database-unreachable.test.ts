// The driver's errors when a MongoDB it was connected to goes away, from a real FerretDB of
// this file's own that is stopped under a connected client.
import { join } from 'node:path';
import { createFerretDb, ensureFerretDb, type FerretDb } from '@zerochat/local-services';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../../../../test/support/test-services.ts';
import { toAppError } from './problem-response.ts';

let ferretdb: FerretDb;
let client: MongoClient;

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `unreachable-${process.pid}`), registryDir });
  await ferretdb.start();
  client = new MongoClient(ferretdb.uri, { serverSelectionTimeoutMS: 500 });
});

afterAll(async () => {
  await client?.close();
  await ferretdb?.stop();
});

describe('a MongoDB that went away', () => {
  it('maps every kind of write and read to 503 database_unavailable', async () => {
    const things = client.db('unreachable').collection('things');
    await things.insertOne({ before: true });
    await ferretdb.stop();
    // insertMany wraps the network error in a MongoBulkWriteError; the others throw it as is.
    for (const [what, operation] of [
      ['insertMany', () => things.insertMany([{ a: 1 }, { a: 2 }])],
      ['insertOne', () => things.insertOne({ a: 1 })],
      ['updateOne', () => things.updateOne({ a: 1 }, { $set: { b: 2 } })],
      ['find', () => things.find({}).toArray()],
    ] as const) {
      const error = await operation().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const problem = toAppError(error);
      expect({ what, status: problem.status, code: problem.code }).toEqual({
        what,
        status: 503,
        code: 'database_unavailable',
      });
    }
  });
});
