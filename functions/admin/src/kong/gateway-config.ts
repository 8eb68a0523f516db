import {
  type FunctionUpstreams,
  type KongDeclarativeConfig,
  type PublicSigningKey,
  renderKongConfig,
} from '@zerochat/kong';
import { type AccessTokenKeys, p256Jwk } from '@zerochat/runtime';
import { z } from 'zod';
import { DependencyError } from '../bootstrap/failure.ts';
import type { KongAdmin } from './kong-admin.ts';
import type { StartConfigStore } from './start-config.ts';

/** A Kong to configure: its admin API, and the config it should run. */
export interface Gateway {
  admin: KongAdmin;
  render(): Promise<KongDeclarativeConfig>;
  /** The file a DB-less Kong loads at start, where the admin function may keep it (Kubernetes). */
  startConfig?: StartConfigStore | undefined;
}

export interface GatewayConfigOptions {
  upstreams: FunctionUpstreams;
  corsOrigins: readonly string[];
  /** The public signing keys: inline (AUTH_PUBLIC_JWKS) or published at a URL (AUTH_JWKS_URL). */
  keys: AccessTokenKeys;
  fetch?: typeof fetch;
}

const publishedKeys = z.object({ keys: z.array(p256Jwk) });

/**
 * Renders the config Kong should run now: zerochat's routes and plugins, and one jwt
 * credential per current public signing key, so every key auth signs with is accepted.
 */
export function gatewayConfigRenderer(options: GatewayConfigOptions): () => Promise<KongDeclarativeConfig> {
  const doFetch = options.fetch ?? fetch;

  async function signingKeys(): Promise<PublicSigningKey[]> {
    if ('jwks' in options.keys) return options.keys.jwks.keys as PublicSigningKey[];
    const url = options.keys.jwksUrl;
    const response = await doFetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new DependencyError(`the key set at ${url} answered ${response.status}`);
    const parsed = publishedKeys.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DependencyError(`${url} is not a JWK set of P-256 keys`);
    return parsed.data.keys;
  }

  const render = async () =>
    renderKongConfig({
      upstreams: options.upstreams,
      signingKeys: await signingKeys(),
      corsOrigins: options.corsOrigins,
    });
  // Inline keys cannot change while the process runs, and so neither can the config: each
  // status request would otherwise render and validate it again. Published keys may rotate.
  if ('jwks' in options.keys) {
    let rendered: Promise<KongDeclarativeConfig> | undefined;
    return () => {
      rendered ??= render();
      return rendered;
    };
  }
  return render;
}
