import { readJson } from './http.ts';
import type { Session } from './session.ts';

/** An API key as auth lists it (docs/auth.md#api-keys); the key itself is never listed. */
export interface ApiKey {
  id: string;
  name: string;
  /** The first and last characters, to tell keys apart: `zc-AbCd…wxyz`. */
  preview: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  usage: { requests: number; promptTokens: number; completionTokens: number };
}

/** The person's own API keys for the OpenAI-compatible API (/v1). */
export function apiKeysApi(session: Session) {
  const json = async <T>(...args: Parameters<Session['request']>) => readJson<T>(await session.request(...args));
  const path = (id: string) => `/auth/api-keys/${encodeURIComponent(id)}`;
  return {
    list: async () => (await json<{ apiKeys: ApiKey[] }>({ method: 'GET', path: '/auth/api-keys' })).apiKeys,
    /** `key` is answered this once; only its hash is stored. */
    create: (body: { name: string; expiresInDays?: number }) =>
      json<{ key: string; apiKey: ApiKey }>({ method: 'POST', path: '/auth/api-keys', body }),
    rename: (id: string, name: string) => json<ApiKey>({ method: 'PATCH', path: path(id), body: { name } }),
    revoke: (id: string) => json<void>({ method: 'DELETE', path: path(id) }),
  };
}

export type ApiKeysApi = ReturnType<typeof apiKeysApi>;
