import { DependencyError } from '../bootstrap/failure.ts';

/** What `GET /` of Kong's admin API says about the node, as far as the admin function cares. */
export interface KongNode {
  version: string;
  /** `off` for DB-less Kong, else the database (`postgres`). */
  database: string;
}

/** Kong answered with an error status; the message is Kong's own, which names no secrets. */
export class KongAdminError extends DependencyError {
  readonly status: number;

  constructor(method: string, path: string, status: number, message: string) {
    super(`${method} ${path}: ${status} ${message}`);
    this.status = status;
  }
}

export interface KongAdmin {
  readonly url: string;
  node(): Promise<KongNode>;
  /** The entity at `path`, or undefined when Kong has none (404). */
  get<T>(path: string): Promise<T | undefined>;
  /** Every entity of a collection, following Kong's pages. */
  list<T>(path: string): Promise<T[]>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | undefined>;
}

export interface KongAdminOptions {
  url: string;
  fetch?: typeof fetch;
  /** Bound for one request; posting a whole config is quick, so this stays short. */
  timeoutMs?: number;
}

/** Kong's error bodies: `{message}`, for declarative configs also `flattened_errors`. */
function errorMessage(body: unknown, fallback: string): string {
  if (!body || typeof body !== 'object') return fallback;
  const { message, flattened_errors: flattened } = body as { message?: unknown; flattened_errors?: unknown };
  const text = typeof message === 'string' ? message : fallback;
  if (!Array.isArray(flattened) || flattened.length === 0) return text;
  const first = flattened[0] as { entity_name?: string; errors?: Array<{ field?: string; message?: string }> };
  const detail = first.errors?.map((error) => `${error.field ?? ''} ${error.message ?? ''}`.trim()).join('; ');
  return `${text} (${flattened.length} entities; first: ${first.entity_name ?? '?'}: ${detail ?? '?'})`;
}

/** A small client for Kong's admin API (JSON over HTTP, no authentication). */
export function createKongAdmin(options: KongAdminOptions): KongAdmin {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = options.url.replace(/\/+$/, '');

  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await doFetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok && response.status !== 404) {
      throw new KongAdminError(method, path, response.status, errorMessage(json, response.statusText));
    }
    return { status: response.status, json };
  }

  return {
    url,
    async node() {
      const { status, json } = await request('GET', '/');
      const info = json as { version?: unknown; configuration?: { database?: unknown } } | undefined;
      if (status !== 200 || typeof info?.version !== 'string' || typeof info.configuration?.database !== 'string') {
        throw new DependencyError(`${url} does not answer like Kong's admin API`);
      }
      return { version: info.version, database: info.configuration.database };
    },
    async get<T>(path: string) {
      const { status, json } = await request('GET', path);
      return status === 404 ? undefined : (json as T);
    },
    async list<T>(path: string) {
      const entities: T[] = [];
      let next: string | null | undefined = path;
      while (next) {
        const { status, json } = await request('GET', next);
        if (status === 404) break;
        const page = json as { data?: T[]; next?: string | null };
        entities.push(...(page.data ?? []));
        next = page.next;
      }
      return entities;
    },
    async send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
      const { status, json } = await request(method, path, body);
      if (status === 404) throw new KongAdminError(method, path, 404, 'Not found');
      return json as T | undefined;
    },
  };
}

/** A path segment: entity names are safe already, but a kid need not be. */
export const segment = (value: string) => encodeURIComponent(value);
