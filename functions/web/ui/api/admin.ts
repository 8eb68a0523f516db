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
    /** A page of users, newest first; with `email`, only the user with that address. */
    users: (options: { cursor?: string | undefined; email?: string | undefined } = {}) =>
      json<{ users: User[]; nextCursor: string | null }>({
        method: 'GET',
        path: `/admin/users?${new URLSearchParams({
          limit: '50',
          ...(options.cursor ? { cursor: options.cursor } : {}),
          ...(options.email ? { email: options.email } : {}),
        })}`,
      }),
    changeUser: (id: string, changes: { role?: User['role']; disabled?: boolean }) =>
      json<User>({ method: 'PATCH', path: `/admin/users/${encodeURIComponent(id)}`, body: changes }),
    /** Without a password, the API makes a temporary one, answered once. */
    createUser: (body: { email: string; displayName?: string; role: User['role'] }) =>
      json<{ user: User; temporaryPassword: string | null }>({ method: 'POST', path: '/admin/users', body }),
    /** A one-time temporary password; the user's sessions end and they choose a new one. */
    resetPassword: (id: string) =>
      json<{ user: User; temporaryPassword: string }>({
        method: 'POST',
        path: `/admin/users/${encodeURIComponent(id)}/password-reset`,
      }),
    /** The account and everything of the user's; answers what was removed, by collection. */
    deleteUser: (id: string) =>
      json<{ removed: Record<string, number> }>({ method: 'DELETE', path: `/admin/users/${encodeURIComponent(id)}` }),
    bootstrap: () => json<BootstrapReport>({ method: 'POST', path: '/admin/bootstrap' }),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
