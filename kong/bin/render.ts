#!/usr/bin/env node
// Renders zerochat's Kong declarative config. Without options it rewrites the committed files;
// with --upstreams it prints one config (for a gateway of your own) to stdout.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  COMMITTED_KONG_FILES,
  kongUpstreamsEnv,
  type PublicSigningKey,
  renderCommittedFile,
  renderKongConfig,
  toKongYaml,
} from '../src/index.ts';

const USAGE = `usage: npm run kong:render [-- options]
  (no options)           rewrite the committed files: ${COMMITTED_KONG_FILES.map((file) => file.path).join(', ')}
  --check                exit 1 if a committed file differs from what the renderer makes
  --upstreams VALUE      print one config: compose | knative:<namespace> | JSON {"auth":{"url":…,"hostHeader":…},…}
  --jwks FILE            with --upstreams: public JWK set whose keys become jwt credentials
  --cors-origin ORIGIN   with --upstreams: allowed origin (repeatable; default *)
  --format yaml|json     with --upstreams: output format (default yaml)`;

const root = resolve(import.meta.dirname, '../..');

function fail(message: string): never {
  console.error(`kong:render: ${message}`);
  process.exit(1);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        check: { type: 'boolean' },
        upstreams: { type: 'string' },
        jwks: { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        format: { type: 'string', default: 'yaml' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
} else if (values.upstreams !== undefined) {
  const upstreams = kongUpstreamsEnv.safeParse(values.upstreams);
  if (!upstreams.success) fail(`--upstreams: ${upstreams.error.issues.map((issue) => issue.message).join('; ')}`);
  let signingKeys: PublicSigningKey[] = [];
  if (values.jwks) {
    const jwks = JSON.parse(await readFile(values.jwks, 'utf8')) as { keys?: PublicSigningKey[] };
    if (!Array.isArray(jwks.keys)) fail(`--jwks: ${values.jwks} is not a JWK set ({"keys": [...]})`);
    signingKeys = jwks.keys;
  }
  if (values.format !== 'yaml' && values.format !== 'json') fail('--format must be yaml or json');
  try {
    const config = renderKongConfig({
      upstreams: upstreams.data,
      signingKeys,
      ...(values['cors-origin'] ? { corsOrigins: values['cors-origin'] } : {}),
    });
    process.stdout.write(values.format === 'json' ? `${JSON.stringify(config, null, 2)}\n` : toKongYaml(config));
  } catch (error) {
    fail((error as Error).message);
  }
} else {
  let stale = 0;
  for (const file of COMMITTED_KONG_FILES) {
    const path = join(root, file.path);
    const { text } = renderCommittedFile(file);
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current === text) continue;
    if (values.check) {
      console.error(`kong:render: ${file.path} is out of date; run npm run kong:render`);
      stale++;
    } else {
      await writeFile(path, text);
      process.stdout.write(`wrote ${file.path}\n`);
    }
  }
  if (stale) process.exit(1);
}
