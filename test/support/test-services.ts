import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';

/** The services the global setup started (or took from the environment). */
export function testServices() {
  return {
    mongoUri: inject('mongoUri'),
    ollamaHost: inject('ollamaHost'),
    tinyModel: inject('tinyModel'),
    cacheDir: inject('cacheDir'),
    registryDir: inject('registryDir'),
    scratchDir: inject('scratchDir'),
  };
}

export interface TestDatabase {
  readonly client: MongoClient;
  readonly db: Db;
  readonly name: string;
  readonly uri: string;
  /** One more empty database on the same client, for a test that counts everything in it; dropped with the file's. */
  fresh(): Db;
}

/**
 * A database of its own for the calling test file, dropped when the file is done. Call at
 * the top level of the file; the fields are usable inside tests and hooks.
 */
export function useTestDatabase(): TestDatabase {
  const { mongoUri } = testServices();
  const uniqueName = () => `zc_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const name = uniqueName();
  const names = [name];
  const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5000 });
  afterAll(async () => {
    for (const each of names) await client.db(each).dropDatabase();
    await client.close();
  });
  beforeAll(() => client.connect());
  return {
    client,
    db: client.db(name),
    name,
    uri: mongoUri,
    fresh() {
      const another = uniqueName();
      names.push(another);
      return client.db(another);
    },
  };
}
