#!/usr/bin/env node
// Bundles one function: node tools/bundle-function.ts <function-dir> [outdir]
//
// dist/app.cjs      the function (src/server.ts and everything it imports) as one CommonJS
//                   file, so that the loader can compile it with V8's code cache
// dist/server.js    the loader (tools/bundle-entry.js): runs app.cjs with the code cache in
//                   dist/.code-cache/, then the function's main()
// dist/<pkg>.cjs    each package the function loads with import(): a file of its own,
//                   costing nothing until used
// dist/<name>.js    one file per command the function's package.json lists under "bin"
// dist/public/      static files, for a function whose package.json names a script that makes
//                   them under "zerochat.assets" (web: the browser UI), run as <script> <dir>
//
// `node dist/server.js --warm-code-cache` rehearses a cold start and writes the code cache;
// the build does it once, and the Dockerfiles again with the image's own Node.
import { execFile } from 'node:child_process';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { startupShims } from './startup-shims.ts';

const dir = resolve(process.argv[2] ?? '.');
const outdir = resolve(process.argv[3] ?? join(dir, 'dist'));
const { bin = {}, zerochat } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
  bin?: Record<string, string>;
  zerochat?: { assets?: string };
};
const commandEntries = Object.values(bin).map((path) => ({ in: join(dir, path), out: basename(path, extname(path)) }));

const options = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  // Whitespace and syntax only: identifiers keep their names, so stack traces read without
  // source maps, and no keepNames helper runs for every function at start-up.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'linked',
  plugins: [startupShims],
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

/** Packages imported with import(), each bundled as a file of its own: dist/<name>.cjs. */
const lazyPackages = new Map<string, string>();
const lazyImports: Plugin = {
  name: 'lazy-imports',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || isBuiltin(args.path)) return undefined;
      const file = `${args.path.replace(/^@/, '').replaceAll('/', '-')}.cjs`;
      lazyPackages.set(file, args.path);
      return { path: `./${file}`, external: true };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const app = await build({
  ...options,
  entryPoints: { app: join(dir, 'src/server.ts') },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  plugins: [...options.plugins, lazyImports],
  // import() becomes require() of the package's own file; `main` runs only from the loader.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.main': 'false' },
});
const lazy = await Promise.all(
  [...lazyPackages].map(([file, name]) =>
    build({
      ...options,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: dir },
      outfile: join(outdir, file),
      format: 'cjs',
    }),
  ),
);
// Each command is one ESM file of its own; CommonJS dependencies in it call require() for
// Node built-ins.
const commands = await Promise.all(
  commandEntries.map((command) =>
    build({
      ...options,
      entryPoints: { [command.out]: command.in },
      outdir,
      format: 'esm',
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    }),
  ),
);
if (zerochat?.assets) {
  await promisify(execFile)(process.execPath, [join(dir, zerochat.assets), join(outdir, 'public')]);
}
await copyFile(join(import.meta.dirname, 'bundle-entry.js'), join(outdir, 'server.js'));
await promisify(execFile)(process.execPath, [join(outdir, 'server.js'), '--warm-code-cache']);

for (const result of [app, ...lazy, ...commands]) {
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (/\.c?js$/.test(path)) process.stdout.write(`${path}: ${(output.bytes / 1024).toFixed(0)} KiB\n`);
  }
}
