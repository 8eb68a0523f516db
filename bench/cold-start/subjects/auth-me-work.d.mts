import type { MongoClient } from 'mongodb';

export interface AuthMeWork {
  client: MongoClient;
  /** Whether MongoDB answers a ping. */
  ready(): Promise<boolean>;
  /** The answer to GET /auth/me with this Authorization header. */
  me(authorization: string | undefined): Promise<{ statusCode: 200 | 401 | 404; body: Record<string, string> }>;
}

export function authMeWork(env: NodeJS.ProcessEnv): AuthMeWork;
