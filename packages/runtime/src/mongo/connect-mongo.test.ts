import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFerretDb, ensureFerretDb, type FerretDb } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { testServices } from '../../../../test/support/test-services.ts';
import { isDatabaseUnreachable } from '../errors/problem-response.ts';
import { createFunctionApp } from '../http/function-app.ts';
import { createLifecycle } from '../server/lifecycle.ts';
import { connectMongo, type Mongo } from './connect-mongo.ts';

// This file stops and starts a FerretDB of its own; the shared one keeps serving the others.
let ferretdb: FerretDb;
const mongos: Mongo[] = [];

beforeAll(async () => {
  const { cacheDir, registryDir, scratchDir } = testServices();
  const binary = await ensureFerretDb({ cacheDir, report: () => undefined });
  ferretdb = await createFerretDb({ binary, dataDir: join(scratchDir, `readiness-${process.pid}`), registryDir });
});

afterAll(async () => {
  for (const mongo of mongos) await mongo.close();
  await ferretdb.stop();
});

function appOn(mongo: Mongo) {
  return createFunctionApp({
    name: 'demo',
    api: { title: 'demo', version: '1', description: 'd' },
    log: captureLog().log,
    lifecycle: createLifecycle(),
    readiness: { mongodb: () => mongo.ping() },
    bodyLimitBytes: 1024,
  });
}

function mongoFor(uri: string): Mongo {
  const mongo = connectMongo({ uri, dbName: 'readiness', timeoutMs: 500, appName: 'test' });
  mongos.push(mongo);
  return mongo;
}

async function readyStatusEventually(app: ReturnType<typeof appOn>, status: number, withinMs = 15_000) {
  const deadline = Date.now() + withinMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await app.request('/readyz')).status;
    if (last === status) return last;
    await sleep(100);
  }
  return last;
}

describe('MongoDB readiness against a real server', () => {
  it('turns /readyz 503 when MongoDB stops and back to 200 when it returns', async () => {
    await ferretdb.start();
    // Starting a running FerretDB again keeps the one process, so the stop below stops it.
    const pid = ferretdb.pid;
    await ferretdb.start();
    expect(ferretdb.pid).toBe(pid);
    const mongo = mongoFor(ferretdb.uri);
    mongo.connectInBackground(() => undefined);
    const app = appOn(mongo);
    expect(await readyStatusEventually(app, 200)).toBe(200);
    await mongo.db.collection('notes').insertOne({ text: 'before' });

    await ferretdb.stop();
    const down = await app.request('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', checks: { mongodb: { status: 'failed' } } });
    // A query fails with an error the functions answer as 503 database_unavailable: the
    // driver's own, or, when the server ends the socket just as the query is written, the
    // socket's (EPIPE), which the driver passes on unwrapped.
    const failed = await mongo.db
      .collection('notes')
      .findOne({})
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isDatabaseUnreachable(failed)).toBe(true);

    await ferretdb.start();
    expect(await readyStatusEventually(app, 200)).toBe(200);
    expect(await mongo.db.collection('notes').findOne({}, { projection: { _id: 0 } })).toEqual({ text: 'before' });
  });

  it('recovers when MongoDB was not up at start (the driver alone would not)', async () => {
    await ferretdb.stop();
    const mongo = mongoFor(ferretdb.uri);
    const failures: number[] = [];
    mongo.connectInBackground((_error, attempt) => failures.push(attempt));
    const app = appOn(mongo);
    expect((await app.request('/readyz')).status).toBe(503);
    await sleep(800);
    await ferretdb.start();
    expect(await readyStatusEventually(app, 200)).toBe(200);
    expect(failures.length).toBeGreaterThan(0);
  });
});
