import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { GetFetch } from './service-account-fetch.ts';

/** Who signs the tokens to trust, as its OIDC discovery document names it. */
export interface OidcIssuer {
  /** The `iss` every token must carry: the discovery document's, not the URL it was read from. */
  issuer: string;
  /** The issuer's signing keys from its `jwks_uri`, fetched again when a token names an unknown key. */
  keys: JWTVerifyGetKey;
}

const DiscoveryDocument = z.looseObject({
  issuer: z.string().min(1),
  jwks_uri: z.url({ protocol: /^https?$/ }),
});

/** The discovery document or its keys could not be read: a dependency failure, not a bad token. */
export class OidcDiscoveryError extends Error {
  override readonly name = 'OidcDiscoveryError';
}

/**
 * The issuer behind `baseUrl`: `<baseUrl>/.well-known/openid-configuration` read once, the
 * first time a token is checked, and its `jwks_uri` through jose's remote key set (cached,
 * refreshed on an unknown key id). For Kubernetes the base URL is the API server
 * (`https://kubernetes.default.svc`), as Knative Eventing's own verifier reads it; the issuer
 * the document names may differ from that URL, and it is the one tokens carry. A failed read
 * is not kept: the next token tries again.
 */
export function oidcIssuer(options: {
  baseUrl: string;
  fetch: GetFetch;
  timeoutMs?: number;
}): () => Promise<OidcIssuer> {
  const timeoutMs = options.timeoutMs ?? 5000;
  let loaded: Promise<OidcIssuer> | undefined;
  const load = async (): Promise<OidcIssuer> => {
    const url = `${options.baseUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let response: Response;
    try {
      response = await options.fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new OidcDiscoveryError(`${url}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw new OidcDiscoveryError(`${url} answered ${response.status}`);
    const document = DiscoveryDocument.safeParse(await response.json().catch(() => undefined));
    if (!document.success) throw new OidcDiscoveryError(`${url} is not an OIDC discovery document`);
    const keys = createRemoteJWKSet(new URL(document.data.jwks_uri), {
      timeoutDuration: timeoutMs,
      [customFetch]: (jwksUrl, init) => options.fetch(jwksUrl, init),
    });
    return { issuer: document.data.issuer, keys };
  };
  return () => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
}
