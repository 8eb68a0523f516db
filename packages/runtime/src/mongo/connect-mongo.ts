import { type Db, MongoClient } from 'mongodb';

export interface MongoOptions {
  uri: string;
  dbName: string;
  /** Upper bound for waiting on an unreachable server, so requests fail fast with 503. */
  timeoutMs: number;
  appName: string;
}

export interface Mongo {
  client: MongoClient;
  db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the client without waiting for a connection: the driver connects on first use,
 * so a function can listen (and answer liveness probes) before MongoDB has answered.
 */
export function connectMongo(options: MongoOptions): Mongo {
  const client = new MongoClient(options.uri, {
    appName: options.appName,
    serverSelectionTimeoutMS: options.timeoutMs,
    connectTimeoutMS: options.timeoutMs,
  });
  const db = client.db(options.dbName);
  return {
    client,
    db,
    async ping() {
      await db.command({ ping: 1 });
    },
    close: () => client.close(),
  };
}
