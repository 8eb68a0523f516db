import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type KongDeclarativeConfig, kongConfigDigest } from '@zerochat/kong';
import { accessTokenKeysOf, parseConfig } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminConfigSchema } from '../functions/admin/src/config.ts';
import { gatewayConfigRenderer } from '../functions/admin/src/kong/gateway-config.ts';
import { authConfigSchema } from '../functions/auth/src/config.ts';
import { generateSigningKey, type PrivateJwks, publicJwk, signingKeyRing } from '../functions/auth/src/signing-keys.ts';
import { createTokenIssuer } from '../functions/auth/src/tokens.ts';
import { kongJwtAccess, kongStartsFrom, routeJwtPlugin } from '../test/support/kong-stand-in.ts';
import {
  findKustomize,
  type KubernetesObject,
  type Kustomize,
  knativeCopy,
  parseObjects,
} from '../test/support/kustomize.ts';
import { parseEnvFile, writeClusterSecrets } from './scripts/write-secrets.ts';

// Kong on the cluster is DB-less: what it knows after a restart is the file it loads at start.
// These tests read that file the way the pod gets it (the Deployment's KONG_DECLARATIVE_CONFIG,
// its volume, the ConfigMap behind it) from the rendered microk8s overlay, start a stand-in of
// Kong 3.9 from it (Kong cannot run here; test/support/kong-stand-in.ts follows its jwt plugin),
// and send it tokens signed the way the auth function signs them, with the rendered keys.

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Json = Record<string, any>;

const AUTHENTICATED_ROUTE = 'chat-conversations';

let kustomize: Kustomize;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A fresh install, as `npm run kube:secrets` leaves it: a copy of knative/ with its own secrets. */
async function install(): Promise<{ secretsDir: string; render: () => Promise<KubernetesObject[]> }> {
  const copy = await knativeCopy();
  cleanups.push(copy.cleanup);
  return {
    secretsDir: join(copy.root, 'knative/base/secrets'),
    render: async () => parseObjects(await kustomize(join(copy.root, 'knative/overlays/microk8s'))),
  };
}

const find = (objects: KubernetesObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered overlay`);
  return found as Json;
};

/** A ConfigMap's or Secret's values, as a container's envFrom would see them. */
function values(object: Json): Record<string, string> {
  if (object.kind === 'ConfigMap') return object.data ?? {};
  const decoded = Object.entries((object.data ?? {}) as Record<string, string>).map(([key, value]) => [
    key,
    Buffer.from(value, 'base64').toString('utf8'),
  ]);
  return { ...Object.fromEntries(decoded), ...object.stringData };
}

/** The text the kong container reads at KONG_DECLARATIVE_CONFIG, followed through its volume. */
function startConfigText(objects: KubernetesObject[]): string {
  const pod = find(objects, 'Deployment', 'kong').spec.template.spec;
  const container = pod.containers.find((candidate: Json) => candidate.name === 'kong');
  const path = container.env.find((variable: Json) => variable.name === 'KONG_DECLARATIVE_CONFIG').value as string;
  const mount = container.volumeMounts.find((candidate: Json) => path.startsWith(`${candidate.mountPath}/`));
  const volume = pod.volumes.find((candidate: Json) => candidate.name === mount.name);
  const file = relative(mount.mountPath, path);
  const key = volume.configMap.items?.find((item: Json) => item.path === file)?.key ?? file;
  const text = values(find(objects, 'ConfigMap', volume.configMap.name))[key];
  if (text === undefined) throw new Error(`ConfigMap ${volume.configMap.name} has no ${key}`);
  return text;
}

/** auth's token issuer with the keys of the rendered zerochat-auth Secret. */
function authIssuer(objects: KubernetesObject[], signingKeys = values(find(objects, 'Secret', 'zerochat-auth'))) {
  const keys = authConfigSchema.shape.AUTH_SIGNING_KEYS.parse(signingKeys.AUTH_SIGNING_KEYS);
  const config = values(find(objects, 'ConfigMap', 'zerochat-config'));
  return createTokenIssuer({
    keys: signingKeyRing(keys),
    issuer: config.AUTH_ISSUER ?? '',
    audience: config.AUTH_AUDIENCE ?? '',
    accessTokenTtlSeconds: 900,
    now: () => new Date(),
  });
}

/** An access token as auth's login hands it out. */
async function signedToken(issuer: ReturnType<typeof authIssuer>): Promise<string> {
  const now = new Date();
  const user = {
    _id: new ObjectId(),
    email: 'someone@example.com',
    displayName: 'Someone',
    role: 'user',
    disabled: false,
    createdAt: now,
    updatedAt: now,
  } as unknown as Parameters<typeof issuer.pair>[0];
  const pair = await issuer.pair(user, {
    refreshToken: 'r',
    familyId: 'session',
    expiresAt: new Date(now.getTime() + 3_600_000),
    sessionExpiresAt: new Date(now.getTime() + 3_600_000),
  });
  return pair.accessToken;
}

const ask = (config: KongDeclarativeConfig, token: string, nowSeconds?: number) =>
  kongJwtAccess(
    config,
    routeJwtPlugin(config, AUTHENTICATED_ROUTE),
    { method: 'GET', headers: { authorization: `Bearer ${token}` } },
    nowSeconds,
  );

/** A fresh install's microk8s overlay; the rotation test makes its own. */
let objects: KubernetesObject[] = [];
beforeAll(async () => {
  kustomize = await findKustomize();
  objects = await (await install()).render();
}, 300_000);

describe("Kong's start-up config on the cluster", () => {
  it('holds a jwt credential for each public key, in the format Kong loads', () => {
    const config = kongStartsFrom(startConfigText(objects));
    const publicKeys = JSON.parse(values(find(objects, 'ConfigMap', 'zerochat-public-keys')).AUTH_PUBLIC_JWKS ?? '');
    const kids = publicKeys.keys.map((key: Json) => key.kid);
    expect(kids).toHaveLength(1);
    expect(config.consumers?.flatMap((consumer) => consumer.jwt_secrets?.map((secret) => secret.key))).toEqual(kids);
  });

  it('lets a restarted Kong pass a token auth signed, on every authenticated route, at once', async () => {
    const config = kongStartsFrom(startConfigText(objects));
    const token = await signedToken(authIssuer(objects));
    const routes = (config.services ?? []).flatMap((service) => service.routes ?? []);
    const authenticated = routes.filter((route) => route.plugins?.some((plugin) => plugin.name === 'jwt'));
    expect(authenticated.length).toBeGreaterThan(5);
    for (const route of authenticated) {
      const answer = kongJwtAccess(config, routeJwtPlugin(config, route.name), {
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer, route.name).toMatchObject({ status: 200 });
    }
  });

  it('still refuses a token of a key it was not given, and an expired one', async () => {
    const config = kongStartsFrom(startConfigText(objects));
    const stranger = { AUTH_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningKey()] }) };
    expect(ask(config, await signedToken(authIssuer(objects, stranger)))).toEqual({
      status: 401,
      message: "No credentials found for given 'kid'",
    });
    const token = await signedToken(authIssuer(objects));
    expect(ask(config, token, Date.now() / 1000 + 3600)).toEqual({ status: 401, errors: { exp: 'token expired' } });
    expect(ask(config, `${token.slice(0, -4)}AAAA`)).toMatchObject({ status: 401, message: 'Invalid signature' });
  });

  it('is the config the admin function posts, so its reconcile after a restart finds Kong in sync', async () => {
    const env = {
      ...values(find(objects, 'ConfigMap', 'zerochat-config')),
      ...values(find(objects, 'ConfigMap', 'zerochat-public-keys')),
      ...values(find(objects, 'Secret', 'zerochat-admin')),
      MONGODB_URI: values(find(objects, 'Secret', 'zerochat-mongodb')).MONGODB_URI,
    };
    const admin = parseConfig(adminConfigSchema, env);
    if (!admin.KONG_UPSTREAMS) throw new Error('the cluster config gives admin no KONG_UPSTREAMS');
    const render = gatewayConfigRenderer({
      upstreams: admin.KONG_UPSTREAMS,
      corsOrigins: admin.KONG_CORS_ORIGINS,
      keys: accessTokenKeysOf(admin),
    });
    const posted = await render();
    expect(kongConfigDigest(kongStartsFrom(startConfigText(objects)))).toBe(kongConfigDigest(posted));
  });
});

describe("the admin function's part", () => {
  it('keeps the ConfigMap Kong starts from, and may get and patch that one ConfigMap only', () => {
    const pod = find(objects, 'Deployment', 'kong').spec.template.spec;
    const mounted = pod.volumes.map((volume: Json) => volume.configMap?.name).filter(Boolean);
    const configMap = values(find(objects, 'ConfigMap', 'zerochat-config')).KONG_START_CONFIGMAP;
    expect(mounted).toEqual([configMap]);

    const account = find(objects, 'Service', 'admin').spec.template.spec.serviceAccountName;
    const rules = objects
      .filter(
        (object) =>
          object.kind === 'RoleBinding' &&
          (object as Json).subjects.some(
            (subject: Json) => subject.kind === 'ServiceAccount' && subject.name === account,
          ),
      )
      .flatMap((binding) => find(objects, 'Role', (binding as Json).roleRef.name).rules as Json[]);
    const onConfigMaps = rules.filter((rule) => rule.resources.includes('configmaps'));
    expect(onConfigMaps).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: [configMap], verbs: ['get', 'patch'] },
    ]);
  });
});

describe('after a key rotation', () => {
  it('npm run kube:secrets (which kube:deploy runs) renders the start-up config again, and Kong takes both keys', async () => {
    const { secretsDir, render } = await install();
    const before = await render();
    const oldIssuer = authIssuer(before);
    // `npm run keys -- --keep "$AUTH_SIGNING_KEYS"`: a new key first (it signs), the old one kept.
    const current = JSON.parse(
      parseEnvFile(await readFile(join(secretsDir, 'auth.env'), 'utf8')).AUTH_SIGNING_KEYS ?? '',
    );
    const rotated: PrivateJwks = { keys: [await generateSigningKey(), ...current.keys] };
    await writeFile(join(secretsDir, 'auth.env'), `AUTH_SIGNING_KEYS=${JSON.stringify(rotated)}\n`);
    await writeFile(
      join(secretsDir, 'public-keys.env'),
      `AUTH_PUBLIC_JWKS=${JSON.stringify({ keys: rotated.keys.map(publicJwk) })}\n`,
    );
    expect(await writeClusterSecrets(secretsDir)).toEqual([join(secretsDir, 'kong.yaml')]);
    expect(await writeClusterSecrets(secretsDir)).toEqual([]);

    const after = await render();
    const config = kongStartsFrom(startConfigText(after));
    expect(config.consumers).toHaveLength(2);
    expect(ask(config, await signedToken(authIssuer(after)))).toMatchObject({ status: 200 });
    expect(ask(config, await signedToken(oldIssuer))).toMatchObject({ status: 200 });
    expect(ask(kongStartsFrom(startConfigText(before)), await signedToken(authIssuer(after)))).toMatchObject({
      status: 401,
    });
  });
});
