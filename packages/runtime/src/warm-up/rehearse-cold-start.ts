import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type RefreshTokenDocument } from '@zerochat/data';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type Document, ObjectId } from 'mongodb';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, type Role } from '../auth/access-token.ts';
import type { RunningFunction } from '../server/serve-function.ts';
import { startStandInMongo } from './stand-in-mongo.ts';

/** A request a first client sends; its answer must not be a 5xx. */
export interface RehearsalRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The account the rehearsal's access token is issued to, an admin. */
export interface RehearsalAccount {
  id: string;
  email: string;
  password: string;
  role: Role;
}

export interface RehearsalOptions {
  /** Starts the function from `process.env`, as its entry does. */
  main: () => Promise<RunningFunction>;
  /** What a first client asks. */
  requests: (context: { account: RehearsalAccount; bearer: Record<string, string> }) => RehearsalRequest[];
  /**
   * Documents by collection that the stand-in MongoDB answers every find on that collection
   * with, whatever its filter: the account, for a function that looks its user up.
   */
  documents?: (account: RehearsalAccount) => Promise<Record<string, Document[]>>;
}

const ISSUER = 'zerochat-rehearsal';
const AUDIENCE = 'zerochat-rehearsal';
const READY_WITHIN_MS = 10_000;

/**
 * A cold start rehearsed, so that a bundle's code cache holds what a real one runs: `main`
 * starts the function as in production, against a stand-in MongoDB (see stand-in-mongo.ts)
 * with throwaway signing keys, then it is asked for /readyz and the `requests`. The bundle's
 * loader (tools/bundle-entry.js) saves V8's code cache afterwards and exits; nothing is shut
 * down gracefully and the process's environment is overwritten, so only a process of its own
 * may rehearse. Throws when a request is answered with a 5xx: the rehearsal did not run the
 * code a real start runs.
 */
export async function rehearseColdStart(options: RehearsalOptions): Promise<void> {
  const account: RehearsalAccount = {
    id: '000000000000000000000001',
    email: 'rehearsal@example.com',
    password: 'rehearsal-password',
    role: 'admin',
  };
  const mongo = await startStandInMongo({
    documents: { ...liveSession(account), ...(await options.documents?.(account)) },
  });
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const kid = 'rehearsal';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALGORITHM };
  const bearer = { authorization: `Bearer ${await signAccessToken(privateKey, kid, account)}` };

  Object.assign(process.env, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    MONGODB_URI: mongo.uri,
    MONGODB_DB: 'rehearsal',
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk] }),
    AUTH_SIGNING_KEYS: JSON.stringify({ keys: [privateJwk] }),
    // Nothing listens on the discard port: a function that asks Ollama learns at once that it is down.
    OLLAMA_HOST: 'http://127.0.0.1:9',
  });
  delete process.env.AUTH_JWKS_URL;

  const running = await options.main();
  const deadline = performance.now() + READY_WITHIN_MS;
  while ((await send(running.port, { method: 'GET', path: '/readyz' })) !== 200) {
    if (performance.now() > deadline) throw new Error('rehearsal: /readyz did not answer 200');
    await sleep(10);
  }
  for (const request of options.requests({ account, bearer })) {
    const status = await send(running.port, request);
    if (status >= 500) throw new Error(`rehearsal: ${request.method} ${request.path} answered ${status}`);
  }
}

const SESSION_ID = 'rehearsal-session';

/** The rehearsal token's session, as the session check finds it (any find on refresh_tokens answers it). */
function liveSession(account: RehearsalAccount): Record<string, Document[]> {
  const now = Date.now();
  const token = {
    _id: new ObjectId(),
    userId: new ObjectId(account.id),
    familyId: SESSION_ID,
    tokenHash: 'rehearsal',
    parentHash: `family:${SESSION_ID}`,
    createdAt: new Date(now),
    expiresAt: new Date(now + 3600_000),
    sessionExpiresAt: new Date(now + 3600_000),
  } satisfies RefreshTokenDocument;
  return { [COLLECTIONS.refreshTokens]: [token] };
}

function signAccessToken(key: Parameters<SignJWT['sign']>[0], kid: string, account: RehearsalAccount) {
  return new SignJWT({ role: account.role, sid: SESSION_ID })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(account.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(crypto.randomUUID())
    .sign(key);
}

function send(port: number, request: RehearsalRequest): Promise<number> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
