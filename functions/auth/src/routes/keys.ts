import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonResponse } from '@zerochat/runtime';
import type { SigningKeyRing } from '../signing-keys.ts';

const Jwks = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal('ES256'),
        use: z.literal('sig'),
      }),
    ),
  })
  .openapi('JsonWebKeySet');

const jwks = createRoute({
  method: 'get',
  path: '/auth/.well-known/jwks.json',
  tags: ['keys'],
  summary: 'The public keys that verify access tokens (RFC 7517)',
  responses: { 200: jsonResponse(Jwks, 'Every published key; the first one signs new tokens') },
});

// Short enough that a rotation reaches verifiers that fetch this well within a token lifetime.
const CACHE_CONTROL = 'public, max-age=300';

export function addKeyRoutes(app: FunctionApp, keys: SigningKeyRing): void {
  app.openapi(jwks, (c) => c.json(keys.publicJwks, 200, { 'cache-control': CACHE_CONTROL }));
}
