#!/usr/bin/env node
// Builds the browser UI: node functions/web/build/build-page.ts <outdir>
//
// <outdir>/index.html            the page: loads the entry script and stylesheet, nothing inline
// <outdir>/assets/<name>-<hash>.*  the scripts (ES modules, split: pages used by few load on
//                                 demand), the stylesheet, the icon, source maps, licences
// every text file but source maps also as .gz and .br beside it, compressed once here instead of
// per request.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { isCompressible } from '../src/content-types.ts';

const UI = join(import.meta.dirname, '..', 'ui');

/** Browsers from early 2023 on: ES2022, module scripts, CSS nesting is not relied on. */
const BROWSERS = ['chrome111', 'edge111', 'firefox115', 'safari16.4'];

export interface PageBuild {
  outdir: string;
  /** URL paths of the scripts a first load fetches: the entry and what it imports statically. */
  firstLoadScripts: string[];
}

const urlOf = (outdir: string, file: string) => `/${relative(outdir, resolve(file)).split('\\').join('/')}`;

/** The entry and every chunk it imports statically: what a browser loads before the first paint. */
function staticClosure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}

async function hashedCopy(source: string, outdir: string): Promise<string> {
  const content = await readFile(source);
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 10).replace(/[-_]/g, 'x');
  const name = `${basename(source, extname(source))}-${hash}${extname(source)}`;
  await writeFile(join(outdir, 'assets', name), content);
  return `/assets/${name}`;
}

function indexHtml(parts: { script: string; preload: string[]; stylesheet: string; icon: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>zerochat</title>
<link rel="icon" href="${parts.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${parts.stylesheet}">
${parts.preload.map((path) => `<link rel="modulepreload" href="${path}">`).join('\n')}
<script type="module" src="${parts.script}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p class="noscript">zerochat needs JavaScript. Please enable it for this site.</p></noscript>
</body>
</html>
`;
}

async function compressAll(dir: string): Promise<void> {
  const files = [
    join(dir, 'index.html'),
    ...(await readdir(join(dir, 'assets'))).map((name) => join(dir, 'assets', name)),
  ];
  await Promise.all(
    // Source maps are for developer tools only: not worth compressing at the highest level.
    files
      .filter((file) => isCompressible(file) && !file.endsWith('.map'))
      .map(async (file) => {
        const content = await readFile(file);
        const [gz, br] = await Promise.all([
          promisify(gzip)(content, { level: 9 }),
          promisify(brotliCompress)(content, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length },
          }),
        ]);
        await Promise.all([writeFile(`${file}.gz`, gz), writeFile(`${file}.br`, br)]);
      }),
  );
}

/** Builds the page into `outdir` (emptied first). */
export async function buildPage(outdir: string): Promise<PageBuild> {
  const out = resolve(outdir);
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { main: join(UI, 'main.tsx') },
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSERS,
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  });
  const metafile = result.metafile;
  const entry = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint?.endsWith('main.tsx'));
  if (!entry) throw new Error('build-page: esbuild produced no entry script');
  const stylesheet = metafile.outputs[entry]?.cssBundle;
  if (!stylesheet) throw new Error('build-page: the entry imports no stylesheet');
  const firstLoad = staticClosure(metafile, entry);
  const script = urlOf(out, entry);
  const firstLoadScripts = firstLoad.map((file) => urlOf(out, file));
  await writeFile(
    join(out, 'index.html'),
    indexHtml({
      script,
      preload: firstLoadScripts.filter((path) => path !== script),
      stylesheet: urlOf(out, stylesheet),
      icon: await hashedCopy(join(UI, 'icon.svg'), out),
    }),
  );
  await compressAll(out);
  return { outdir: out, firstLoadScripts };
}

if (import.meta.main) {
  const outdir = process.argv[2];
  if (!outdir) throw new Error('usage: build-page.ts <outdir>');
  const page = await buildPage(outdir);
  process.stdout.write(`page: ${page.outdir} (first load: ${page.firstLoadScripts.join(', ')})\n`);
}
