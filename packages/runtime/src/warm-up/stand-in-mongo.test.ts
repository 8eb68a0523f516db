import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandInMongo, startStandInMongo } from './stand-in-mongo.ts';

// The stand-in only ever serves the cold-start rehearsal; these hold it to what the real
// driver needs from it there: a handshake, and an answer of the right shape to each command.
let standIn: StandInMongo;
let client: MongoClient;

beforeAll(async () => {
  standIn = await startStandInMongo();
  client = new MongoClient(standIn.uri, { serverSelectionTimeoutMS: 2000 });
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await standIn.close();
});

describe('the stand-in MongoDB of the cold-start rehearsal', () => {
  it('lets the driver connect and ping', async () => {
    await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    // The driver's first handshake is the legacy isMaster; `helloOk` in the answer moves it to hello.
    expect(standIn.commands[0]).toBe('ismaster');
    expect(standIn.commands).toContain('ping');
  });

  it('finds nothing', async () => {
    const users = client.db('rehearsal').collection('users');
    expect(await users.findOne({ email: 'someone@example.com' })).toBeNull();
    expect(await users.find().sort({ _id: -1 }).limit(5).toArray()).toEqual([]);
    expect(await users.aggregate([{ $match: {} }]).toArray()).toEqual([]);
    expect(await users.findOneAndUpdate({ email: 'nobody@example.com' }, { $set: { a: 1 } })).toBeNull();
  });

  it('acknowledges every write', async () => {
    const users = client.db('rehearsal').collection('users');
    const inserted = await users.insertOne({ email: 'someone@example.com' });
    expect(inserted.acknowledged).toBe(true);
    expect((await users.insertMany([{ a: 1 }, { a: 2 }])).insertedCount).toBe(2);
    expect((await users.updateOne({ _id: inserted.insertedId }, { $set: { a: 1 } })).acknowledged).toBe(true);
    expect((await users.deleteMany({})).acknowledged).toBe(true);
    expect(await users.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(standIn.commands).toEqual(expect.arrayContaining(['insert', 'update', 'delete', 'createIndexes']));
  });

  it('holds no data', async () => {
    const users = client.db('rehearsal').collection('users');
    await users.insertOne({ email: 'kept@example.com' });
    expect(await users.countDocuments()).toBe(0);
  });

  it('answers every find on a collection with the documents it was given, whatever the filter', async () => {
    const seeded = await startStandInMongo({ documents: { users: [{ email: 'given@example.com' }] } });
    const seededClient = new MongoClient(seeded.uri, { serverSelectionTimeoutMS: 2000 });
    try {
      const db = seededClient.db('rehearsal');
      expect(await db.collection('users').findOne({ email: 'other@example.com' })).toEqual({
        email: 'given@example.com',
      });
      expect(await db.collection('conversations').findOne({})).toBeNull();
    } finally {
      await seededClient.close();
      await seeded.close();
    }
  });
});
