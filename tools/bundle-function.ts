#!/usr/bin/env node
// Bundles one function into ESM files: node tools/bundle-function.ts <function-dir> [outdir]
// dist/server.js, plus dist/<name>.js for each command the function's package.json lists under
// "bin", plus chunks for modules loaded with import() (so they cost nothing until used).
// A bundle loads faster than a node_modules tree on a cold start, and is all a container needs.
import { readFile, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const dir = resolve(process.argv[2] ?? '.');
const outdir = resolve(process.argv[3] ?? join(dir, 'dist'));
const { bin = {} } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
const commands = Object.values(bin).map((path) => ({ in: join(dir, path), out: basename(path, extname(path)) }));
await rm(outdir, { recursive: true, force: true });
const options = {
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
} satisfies BuildOptions;
// The server is split only where it imports lazily; each command is one file of its own.
const results = [
  await build({
    ...options,
    entryPoints: { server: join(dir, 'src/server.ts') },
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
  }),
  ...(await Promise.all(
    commands.map((command) => build({ ...options, entryPoints: { [command.out]: command.in }, outdir })),
  )),
];
const outputs = Object.assign({}, ...results.map((result) => result.metafile.outputs)) as Record<
  string,
  { bytes: number }
>;
for (const [path, output] of Object.entries(outputs)) {
  if (path.endsWith('.js')) process.stdout.write(`${path}: ${(output.bytes / 1024).toFixed(0)} KiB\n`);
}
