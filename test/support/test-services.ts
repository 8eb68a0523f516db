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
}

/**
 * A database of its own for the calling test file, dropped when the file is done. Call at
 * the top level of the file; the fields are usable inside tests and hooks.
 */
export function useTestDatabase(): TestDatabase {
  const { mongoUri } = testServices();
  const name = `zc_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5000 });
  afterAll(async () => {
    await client.db(name).dropDatabase();
    await client.close();
  });
  beforeAll(() => client.connect());
  return { client, db: client.db(name), name, uri: mongoUri };
}
