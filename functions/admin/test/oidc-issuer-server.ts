import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

// An OIDC issuer for tests: a real HTTP server on loopback that publishes a discovery document
// and a JWKS, as the Kubernetes API server does at /.well-known/openid-configuration and
// /openid/v1/jwks, and signs service-account tokens with a real RSA key, shaped as
// TokenRequest's (RS256, kid, iss, aud, sub, iat, nbf, exp, the kubernetes.io claim).

/** The issuer the discovery names: not the URL it is served from, as in a cluster. */
export const TEST_CLUSTER_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountTokenClaims {
  namespace: string;
  serviceAccount: string;
  audience: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  issuer?: string;
}

export interface OidcIssuerServer {
  /** The discovery base URL (ADMIN_EVENTS_OIDC_DISCOVERY_URL). */
  url: string;
  /** A token the issuer signed. */
  mint(claims: ServiceAccountTokenClaims): Promise<string>;
  /** The same token, signed with another key under the issuer's key id. */
  forge(claims: ServiceAccountTokenClaims): Promise<string>;
  /** Paths requested, in order. */
  requests: string[];
  /** Makes the server answer 503 to everything (true) or serve again (false). */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

const KEY_ID = 'test-cluster-key';

export async function startOidcIssuer(): Promise<OidcIssuerServer> {
  const issuerKey = await generateKeyPair('RS256');
  const otherKey = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(issuerKey.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const requests: string[] = [];
  let down = false;
  let url = '';
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (down) return json(503, { message: 'unavailable' });
    if (path === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: TEST_CLUSTER_ISSUER,
        jwks_uri: `${url}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/openid/v1/jwks') {
      // As the API server: the keys only as application/jwk-set+json, 406 to whoever wants JSON only.
      if (!String(request.headers.accept ?? '').includes('application/jwk-set+json')) return json(406, {});
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      return response.end(JSON.stringify({ keys: [publicJwk] }));
    }
    return json(404, { message: 'not found' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (key: Parameters<SignJWT['sign']>[0], claims: ServiceAccountTokenClaims) => {
    const now = Math.floor(Date.now() / 1000);
    const expires = now + (claims.expiresIn ?? 3600);
    const issued = Math.min(now - 60, expires - 600);
    const payload: JWTPayload = {
      'kubernetes.io': {
        namespace: claims.namespace,
        serviceaccount: { name: claims.serviceAccount, uid: '3f1c0b8e-0000-4000-8000-000000000000' },
      },
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
      .setIssuer(claims.issuer ?? TEST_CLUSTER_ISSUER)
      .setAudience([claims.audience])
      .setSubject(`system:serviceaccount:${claims.namespace}:${claims.serviceAccount}`)
      .setIssuedAt(issued)
      .setNotBefore(issued)
      .setExpirationTime(expires)
      .sign(key);
  };
  return {
    url,
    mint: (claims) => sign(issuerKey.privateKey, claims),
    forge: (claims) => sign(otherKey.privateKey, claims),
    requests,
    setDown: (value) => {
      down = value;
    },
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
