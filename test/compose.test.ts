import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { REPO_ROOT } from '@zerochat/local-services';
import { parseConfig } from '@zerochat/runtime';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { adminConfigSchema } from '../functions/admin/src/config.ts';
import { authConfigSchema } from '../functions/auth/src/config.ts';
import { chatConfigSchema } from '../functions/chat/src/config.ts';
import { webConfigSchema } from '../functions/web/src/config.ts';
import { parseEnvFile, writeComposeSecrets } from '../knative/scripts/write-secrets.ts';
import { type ComposeLoader, type ComposeProject, composeLoader } from './support/compose-config.ts';
import { documentedVariables, requiredVariables } from './support/env-documentation.ts';

// No container engine runs here: compose.yaml is loaded by compose-go, the loader behind
// `docker compose config` (tools/compose-config), with the .env `npm run compose:secrets`
// writes, as a user's would be. What it resolves is what `docker compose up` would start.

const COMPOSE_FILE = join(REPO_ROOT, 'compose.yaml');
const FUNCTIONS = { auth: authConfigSchema, chat: chatConfigSchema, admin: adminConfigSchema, web: webConfigSchema };

let load: ComposeLoader;
let text = '';
let envFile = '';
let dotenv: Record<string, string> = {};
let project: ComposeProject = {};
let dbProject: ComposeProject = {};

const scratch = () => mkdtemp(join(tmpdir(), 'zerochat-compose-'));

beforeAll(async () => {
  load = await composeLoader(inject('cacheDir'));
  text = await readFile(COMPOSE_FILE, 'utf8');
  envFile = join(await scratch(), '.env');
  await writeComposeSecrets(envFile);
  dotenv = parseEnvFile(await readFile(envFile, 'utf8'));
  project = await load({ file: COMPOSE_FILE, projectDirectory: REPO_ROOT, envFiles: [envFile] });
  // The documented way into DB mode: two lines added to .env, no command-line flag.
  const dbEnvFile = join(await scratch(), '.env');
  await writeFile(dbEnvFile, `${await readFile(envFile, 'utf8')}COMPOSE_PROFILES=db\nKONG_DATABASE=postgres\n`);
  dbProject = await load({ file: COMPOSE_FILE, projectDirectory: REPO_ROOT, envFiles: [dbEnvFile] });
});

const services = (of = project) => of.services as Record<string, ComposeProject>;

describe('compose.yaml, as compose-go resolves it', () => {
  it('starts Kong, the four functions, MongoDB, Ollama and a one-shot bootstrap; PostgreSQL only in the db profile', () => {
    expect(Object.keys(services()).sort()).toEqual(
      ['admin', 'auth', 'bootstrap', 'chat', 'kong', 'mongodb', 'ollama', 'web'].sort(),
    );
    expect(Object.keys(services(dbProject)).sort()).toEqual(
      [
        'admin',
        'auth',
        'bootstrap',
        'chat',
        'kong',
        'kong-database',
        'kong-migrations',
        'mongodb',
        'ollama',
        'web',
      ].sort(),
    );
  });

  it('health-checks each function with a Node one-liner that is a script of strings', () => {
    for (const fn of Object.keys(FUNCTIONS)) {
      const { healthcheck } = services()[fn] ?? {};
      expect(healthcheck.test.slice(0, 3), fn).toEqual(['CMD', '/nodejs/bin/node', '-e']);
      expect(healthcheck.test).toHaveLength(4);
      const script = healthcheck.test[3] as string;
      expect(script).toContain("fetch('http://127.0.0.1:8080/readyz')");
      expect(() => new Script(script), fn).not.toThrow();
      expect(healthcheck).toMatchObject({ interval: '10s', timeout: '5s', retries: 3, start_period: '20s' });
    }
  });

  it('gives every other service a health check, or a reason why not', () => {
    const raw = parse(text, { merge: true }).services as Record<string, ComposeProject>;
    for (const [name, service] of Object.entries(services(dbProject))) {
      const reason = raw[name]?.['x-healthcheck-omitted'];
      expect(service.healthcheck?.test?.[0] === 'CMD' || (typeof reason === 'string' && reason.length > 10), name).toBe(
        true,
      );
    }
  });

  it('waits with depends_on for services that exist, health-checked where it waits for health', () => {
    for (const of of [project, dbProject]) {
      for (const [name, service] of Object.entries(services(of))) {
        for (const [dependency, rule] of Object.entries((service.depends_on ?? {}) as Record<string, ComposeProject>)) {
          if (rule.required) expect(services(of)[dependency], `${name} → ${dependency}`).toBeDefined();
          if (rule.condition === 'service_healthy') expect(services(of)[dependency]?.healthcheck).toBeDefined();
        }
      }
    }
    const healthy = { condition: 'service_healthy', required: true };
    expect(services().bootstrap?.depends_on).toEqual({ admin: healthy, kong: healthy, ollama: healthy });
    expect(services().chat?.depends_on).toEqual({ mongodb: healthy, ollama: healthy });
    expect(services().auth?.depends_on).toEqual({ mongodb: healthy });
    expect(services().kong?.depends_on['kong-migrations']).toEqual({
      condition: 'service_completed_successfully',
      required: false,
    });
    expect(services(dbProject)['kong-migrations']?.depends_on).toEqual({ 'kong-database': healthy });
  });

  it('publishes Kong on 8000 and its admin API and metrics on this machine only; MongoDB and Ollama on loopback', () => {
    const published = (name: string) =>
      ((services()[name]?.ports ?? []) as ComposeProject[]).map(
        (port) => `${port.host_ip ?? '*'}:${port.published}->${port.target}/${port.protocol}`,
      );
    expect(published('kong')).toEqual(['*:8000->8000/tcp', '127.0.0.1:8001->8001/tcp', '127.0.0.1:8100->8100/tcp']);
    expect(published('mongodb')).toEqual(['127.0.0.1:27017->27017/tcp']);
    expect(published('ollama')).toEqual(['127.0.0.1:11434->11434/tcp']);
    for (const fn of Object.keys(FUNCTIONS)) expect(published(fn), fn).toEqual([]);
  });

  it('builds each function from its Dockerfile, and bootstraps with the sender of the admin image', () => {
    for (const fn of Object.keys(FUNCTIONS)) {
      expect(services()[fn]?.build).toEqual({ context: REPO_ROOT, dockerfile: `functions/${fn}/Dockerfile` });
      expect(existsSync(join(REPO_ROOT, `functions/${fn}/Dockerfile`))).toBe(true);
    }
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

  it('bind-mounts only files that exist', () => {
    for (const service of Object.values(services(dbProject))) {
      for (const volume of (service.volumes ?? []) as ComposeProject[]) {
        if (volume.type === 'bind') expect(existsSync(volume.source), volume.source).toBe(true);
      }
    }
  });

  it('runs Kong DB-less from the rendered compose config; with PostgreSQL and its password in the db profile', () => {
    const kong = services().kong ?? {};
    expect(kong.environment).toMatchObject({ KONG_DATABASE: 'off', KONG_DECLARATIVE_CONFIG: '/kong/kong.yaml' });
    expect(kong.volumes).toContainEqual(
      expect.objectContaining({
        type: 'bind',
        source: join(REPO_ROOT, 'kong/kong.compose.yaml'),
        target: '/kong/kong.yaml',
        read_only: true,
      }),
    );
    const db = services(dbProject);
    expect(db.kong?.environment.KONG_DATABASE).toBe('postgres');
    expect(db.kong?.environment.KONG_PG_PASSWORD).toBe(dotenv.KONG_PG_PASSWORD);
    expect(db['kong-database']?.environment.POSTGRES_PASSWORD).toBe(dotenv.KONG_PG_PASSWORD);
    expect(db['kong-migrations']?.environment.KONG_PG_PASSWORD).toBe(dotenv.KONG_PG_PASSWORD);
  });

  it.each(Object.entries(FUNCTIONS))(
    'gives %s every variable its config needs, with values it accepts',
    (fn, schema) => {
      const environment = services()[fn]?.environment as Record<string, string>;
      expect(requiredVariables(schema).filter((name) => !(name in environment))).toEqual([]);
      expect(() => parseConfig(schema, environment)).not.toThrow();
    },
  );

  it('hands the JSON key sets from .env to the functions as they are', () => {
    expect(services().auth?.environment.AUTH_SIGNING_KEYS).toBe(dotenv.AUTH_SIGNING_KEYS);
    expect(JSON.parse(services().chat?.environment.AUTH_PUBLIC_JWKS).keys).toHaveLength(1);
    expect(services().chat?.environment.AUTH_PUBLIC_JWKS).toBe(dotenv.AUTH_PUBLIC_JWKS);
  });

  it('documents every variable it reads in .env.example', async () => {
    const documented = await documentedVariables();
    const referenced = [...text.matchAll(/\$\{(\w+)/g)].map((match) => match[1] ?? '');
    expect(referenced.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe("compose.yaml's .env", () => {
  it('is refused with a pointer to npm run compose:secrets while missing, or copied from .env.example and not filled in', async () => {
    const folder = await scratch();
    await expect(load({ file: COMPOSE_FILE, projectDirectory: folder })).rejects.toThrow(/run npm run compose:secrets/);
    await copyFile(join(REPO_ROOT, '.env.example'), join(folder, '.env'));
    await expect(load({ file: COMPOSE_FILE, projectDirectory: folder })).rejects.toThrow(/run npm run compose:secrets/);
  });

  it("is found in the project folder as compose's default once npm run compose:secrets filled in .env.example's copy", async () => {
    const folder = await scratch();
    await copyFile(join(REPO_ROOT, '.env.example'), join(folder, '.env'));
    await writeComposeSecrets(join(folder, '.env'));
    const filled = parseEnvFile(await readFile(join(folder, '.env'), 'utf8'));
    const loaded = await load({ file: COMPOSE_FILE, projectDirectory: folder });
    expect(Object.keys(loaded.services)).not.toContain('kong-database');
    expect(loaded.services.admin.environment.BOOTSTRAP_ADMIN_PASSWORD).toBe(filled.BOOTSTRAP_ADMIN_PASSWORD);
    expect(loaded.services.kong.environment.KONG_DATABASE).toBe('off');
  });
});

describe('a broken copy of compose.yaml', () => {
  const unquotedHealthCheck = (source: string) =>
    source.replace(/- "(fetch\(.*?)"$/m, (_, script: string) => `- ${script.replace('0 : 1', '0: 1')}`);

  it.each([
    [
      'a health check item YAML reads as a mapping ("0: 1")',
      unquotedHealthCheck,
      /healthcheck\.test\.3 must be a string/,
    ],
    [
      'a dependency on a service that does not exist',
      (source: string) =>
        source.replace(
          '      mongodb:\n        condition: service_healthy',
          '      mongo:\n        condition: service_healthy',
        ),
      /depends on undefined service "?mongo"?/,
    ],
    [
      'an unknown key in a service',
      (source: string) => source.replace('    restart: unless-stopped', '    restarts: unless-stopped'),
      /services\.mongodb\.restarts/,
    ],
  ])('is refused by the loader: %s', async (_, breakIt, message) => {
    const broken = breakIt(text);
    expect(broken).not.toBe(text);
    const file = join(await scratch(), 'compose.yaml');
    await writeFile(file, broken);
    await expect(load({ file, projectDirectory: REPO_ROOT, envFiles: [envFile] })).rejects.toThrow(message);
  });
});
