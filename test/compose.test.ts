import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { parseConfig } from '@zerochat/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adminConfigSchema } from '../functions/admin/src/config.ts';
import { authConfigSchema } from '../functions/auth/src/config.ts';
import { chatConfigSchema } from '../functions/chat/src/config.ts';
import { webConfigSchema } from '../functions/web/src/config.ts';
import { parseEnvFile, writeComposeSecrets } from '../knative/scripts/write-secrets.ts';
import { documentedVariables, requiredVariables } from './support/env-documentation.ts';

// Docker cannot run here: compose.yaml is checked as data, with its ${VARIABLES} filled in
// from a .env that `npm run compose:secrets` writes, as a user's would be.

// biome-ignore lint/suspicious/noExplicitAny: compose.yaml as parsed YAML
type Json = Record<string, any>;

let text = '';
let compose: Json = {};
let dotenv: Record<string, string> = {};

/** Compose's interpolation, for the forms this file uses: ${VAR}, ${VAR:-default}, ${VAR:?message}. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, operator?: string, argument = '') => {
    const current = env[name];
    if (current) return current;
    if (operator === '?') throw new Error(`${name}: ${argument}`);
    return operator === '-' ? argument : '';
  });
}

beforeAll(async () => {
  text = await readFile(join(REPO_ROOT, 'compose.yaml'), 'utf8');
  compose = parse(text, { merge: true });
  const envPath = join(await mkdtemp(join(tmpdir(), 'zerochat-compose-')), '.env');
  await writeComposeSecrets(envPath);
  dotenv = parseEnvFile(await readFile(envPath, 'utf8'));
});

const services = () => compose.services as Record<string, Json>;
const FUNCTIONS = { auth: authConfigSchema, chat: chatConfigSchema, admin: adminConfigSchema, web: webConfigSchema };

describe('compose.yaml', () => {
  it('parses, and has Kong, the four functions, MongoDB, Ollama and a one-shot bootstrap', () => {
    expect(Object.keys(services())).toEqual(
      expect.arrayContaining(['kong', 'auth', 'chat', 'admin', 'web', 'mongodb', 'ollama', 'bootstrap']),
    );
  });

  it('gives every service a health check, or a reason why not', () => {
    for (const [name, service] of Object.entries(services())) {
      const reason = service['x-healthcheck-omitted'];
      expect(service.healthcheck || (typeof reason === 'string' && reason.length > 10), name).toBeTruthy();
    }
  });

  it('waits with depends_on conditions for services that exist', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const [name, service] of Object.entries(services())) {
      for (const [dependency, rule] of Object.entries((service.depends_on ?? {}) as Record<string, Json>)) {
        expect(services()[dependency], `${name} → ${dependency}`).toBeDefined();
        expect(conditions, `${name} → ${dependency}`).toContain(rule.condition);
        if (rule.condition === 'service_healthy') expect(services()[dependency]?.healthcheck).toBeDefined();
      }
    }
    expect(services().bootstrap?.depends_on.admin.condition).toBe('service_healthy');
  });

  it('builds each function from its Dockerfile', () => {
    for (const fn of Object.keys(FUNCTIONS)) {
      const { build } = services()[fn] ?? {};
      expect(build.context).toBe('.');
      expect(existsSync(join(REPO_ROOT, build.dockerfile)), build.dockerfile).toBe(true);
      expect(build.dockerfile).toBe(`functions/${fn}/Dockerfile`);
    }
  });

  it("builds from Dockerfiles that copy every workspace folder, so the image's npm ci finds them all", async () => {
    const { workspaces } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const folders = new Set(workspaces.map((workspace) => workspace.split('/')[0]));
    for (const fn of Object.keys(FUNCTIONS)) {
      const dockerfile = await readFile(join(REPO_ROOT, `functions/${fn}/Dockerfile`), 'utf8');
      const copied = [...dockerfile.matchAll(/^COPY (\S+)\/ \1\/$/gm)].map((match) => match[1]);
      expect(
        [...folders].filter((folder) => !copied.includes(folder)),
        fn,
      ).toEqual([]);
    }
  });

  it('bootstraps with the sender bundled in the admin image, straight to the admin function', () => {
    const { bootstrap, admin } = services();
    expect(bootstrap?.image).toBe(admin?.image);
    expect(bootstrap?.build).toEqual(admin?.build);
    expect(bootstrap?.command.slice(0, 3)).toEqual([
      'send-bootstrap-event.js',
      '--sink',
      'http://admin:8080/admin/events',
    ]);
    expect(bootstrap?.restart).toBe('no');
  });

  it('mounts only files that exist', () => {
    for (const service of Object.values(services())) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const [source = ''] = volume.split(':');
        if (source.startsWith('.')) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      }
    }
  });

  it('publishes Kong on 8000 and its admin API on 8001 of this machine only; MongoDB and Ollama on loopback', () => {
    expect(services().kong?.ports).toEqual(expect.arrayContaining(['8000:8000', '127.0.0.1:8001:8001']));
    for (const name of ['mongodb', 'ollama']) {
      for (const port of services()[name]?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    for (const fn of Object.keys(FUNCTIONS)) expect(services()[fn]?.ports).toBeUndefined();
  });

  it('runs Kong DB-less from the rendered compose config, and with PostgreSQL in the db profile', () => {
    const kong = services().kong ?? {};
    expect(interpolate(kong.environment.KONG_DATABASE, {})).toBe('off');
    expect(interpolate(kong.environment.KONG_DATABASE, { KONG_DATABASE: 'postgres' })).toBe('postgres');
    expect(kong.volumes).toContain('./kong/kong.compose.yaml:/kong/kong.yaml:ro');
    expect(kong.environment.KONG_DECLARATIVE_CONFIG).toBe('/kong/kong.yaml');
    expect(services()['kong-database']?.profiles).toEqual(['db']);
    expect(services()['kong-migrations']?.profiles).toEqual(['db']);
    expect(kong.depends_on['kong-migrations']).toEqual({
      condition: 'service_completed_successfully',
      required: false,
    });
  });

  it('documents every variable it reads in .env.example', async () => {
    const documented = await documentedVariables();
    const referenced = [...text.matchAll(/\$\{(\w+)/g)].map((match) => match[1] ?? '');
    expect(referenced.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('fails with a pointer to npm run compose:secrets when a secret is missing', () => {
    expect(() => interpolate(services().auth?.environment.AUTH_SIGNING_KEYS, {})).toThrow(/npm run compose:secrets/);
  });

  it.each(Object.entries(FUNCTIONS))(
    'gives %s every variable its config needs, with values it accepts',
    (fn, schema) => {
      const environment = Object.fromEntries(
        Object.entries(services()[fn]?.environment as Record<string, string>).map(([name, value]) => [
          name,
          interpolate(String(value), dotenv),
        ]),
      );
      expect(requiredVariables(schema).filter((name) => !(name in environment))).toEqual([]);
      expect(() => parseConfig(schema, environment)).not.toThrow();
    },
  );
});
