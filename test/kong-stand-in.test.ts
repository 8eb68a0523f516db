import { JWT_ALGORITHMS, KongJwtSecretSchema, renderKnativeStartConfig } from '@zerochat/kong';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { testSigningKey } from './support/keys.ts';
import { kongStartsFrom } from './support/kong-stand-in.ts';

// The stand-in is held to Kong 3.9.1's own definitions, copied here from its source:
// kong/plugins/jwt/daos.lua (the jwt_secrets entity).
const KONG_JWT_SECRET_FIELDS = ['id', 'created_at', 'consumer', 'key', 'secret', 'rsa_public_key', 'algorithm', 'tags'];
const KONG_JWT_ALGORITHMS = [
  ...['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
  ...['PS256', 'PS384', 'PS512', 'EdDSA'],
];

describe("the Kong stand-in's start-up check", () => {
  it("knows jwt credentials by Kong's own fields and algorithms", () => {
    expect(Object.keys(KongJwtSecretSchema.shape).filter((field) => !KONG_JWT_SECRET_FIELDS.includes(field))).toEqual(
      [],
    );
    expect([...JWT_ALGORITHMS]).toEqual(KONG_JWT_ALGORITHMS);
  });

  it('refuses a start-up config Kong would refuse: an unknown field, an algorithm Kong lacks, a key OpenSSL cannot read', async () => {
    const key = await testSigningKey('k1');
    const { config, text } = renderKnativeStartConfig([key.publicJwk as never]);
    expect(kongStartsFrom(text).consumers).toHaveLength(1);
    const broken = (change: (secret: Record<string, unknown>) => void) => {
      const copy = structuredClone(config);
      change(copy.consumers?.[0]?.jwt_secrets?.[0] as Record<string, unknown>);
      return stringify(copy);
    };
    expect(() => kongStartsFrom(broken((secret) => Object.assign(secret, { kid: 'k1' })))).toThrow(/kid/);
    expect(() => kongStartsFrom(broken((secret) => Object.assign(secret, { algorithm: 'ES256K' })))).toThrow(
      /algorithm/,
    );
    expect(() =>
      kongStartsFrom(
        broken((secret) =>
          Object.assign(secret, { rsa_public_key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }),
        ),
      ),
    ).toThrow();
  });
});
