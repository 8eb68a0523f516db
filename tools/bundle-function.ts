#!/usr/bin/env node
// Bundles one function into a single ESM file: node tools/bundle-function.ts <function-dir> [outdir]
// One file loads faster than a node_modules tree on a cold start, and is all a container needs.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const dir = resolve(process.argv[2] ?? '.');
const outdir = resolve(process.argv[3] ?? join(dir, 'dist'));
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(dir, 'src/server.ts')],
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'linked',
  // CommonJS dependencies (the MongoDB driver) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Optional MongoDB driver add-ons zerochat does not use; the driver copes with their absence.
  external: [
    'kerberos',
    'snappy',
    '@mongodb-js/zstd',
    '@aws-sdk/credential-providers',
    'gcp-metadata',
    'socks',
    'aws4',
    'mongodb-client-encryption',
  ],
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
process.stdout.write(`${join(outdir, 'server.js')}: ${(bytes / 1024).toFixed(0)} KiB\n`);
