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
  /**
   * Connects without blocking the caller, retrying until the first success. Needed because
   * the driver never retries a failed *initial* connect by itself: every later operation
   * would fail with MongoTopologyClosedError. Once connected, the driver reconnects alone.
   */
  connectInBackground(onFailure: (error: unknown, attempt: number) => void): void;
  close(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 5000;

/** Creates the client without waiting for a connection, so a function can listen first. */
export function connectMongo(options: MongoOptions): Mongo {
  const client = new MongoClient(options.uri, {
    appName: options.appName,
    serverSelectionTimeoutMS: options.timeoutMs,
    connectTimeoutMS: options.timeoutMs,
  });
  const db = client.db(options.dbName);
  let closed = false;

  return {
    client,
    db,
    async ping() {
      await db.command({ ping: 1 });
    },
    connectInBackground(onFailure) {
      const attempt = (n: number) => {
        if (closed) return;
        client.connect().catch((error: unknown) => {
          if (closed) return;
          onFailure(error, n);
          setTimeout(() => attempt(n + 1), Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** n)).unref();
        });
      };
      attempt(1);
    },
    async close() {
      closed = true;
      await client.close();
    },
  };
}
