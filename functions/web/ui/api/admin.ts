import { readJson } from './http.ts';
import type { Session } from './session.ts';
import type { User } from './types.ts';

export type Health = 'ok' | 'degraded' | 'unavailable' | 'not_configured';

/** GET /admin/status: a section per dependency (docs/admin.md). */
export interface StatusDocument {
  status: 'ok' | 'degraded';
  checkedAt: string;
  [section: string]: unknown;
}

export interface BootstrapReport {
  status: 'ok' | 'changed' | 'failed';
  durationMs: number;
  steps: Array<{ step: string; outcome: 'ok' | 'changed' | 'failed'; reason: string; durationMs: number }>;
}

/** The admin function's API, for an admin. */
export function adminApi(session: Session) {
  const json = async <T>(...args: Parameters<Session['request']>) => readJson<T>(await session.request(...args));
  return {
    status: () => json<StatusDocument>({ method: 'GET', path: '/admin/status' }),
    users: (cursor?: string) =>
      json<{ users: User[]; nextCursor: string | null }>({
        method: 'GET',
        path: `/admin/users?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      }),
    changeUser: (id: string, changes: { role?: User['role']; disabled?: boolean }) =>
      json<User>({ method: 'PATCH', path: `/admin/users/${encodeURIComponent(id)}`, body: changes }),
    bootstrap: () => json<BootstrapReport>({ method: 'POST', path: '/admin/bootstrap' }),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
