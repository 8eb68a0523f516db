// dist/server.js of a function bundle, copied there by tools/bundle-function.ts.
//
// Runs app.cjs with V8's code cache from .code-cache/. The cache is taken after a rehearsed
// cold start (`--warm-code-cache`, see rehearseColdStart in @zerochat/runtime/rehearsal), so
// it holds every function a start and its first requests run; Node's own compile cache keeps
// only what V8 compiles before a module runs. A cache written by another Node version is rejected by V8,
// and the bundle is then compiled as usual: slower, never wrong. V8 checks a cache against
// the source's length only, so the cache is named by a checksum of the source it belongs to.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

const file = join(import.meta.dirname, 'app.cjs');
const warming = process.argv.includes('--warm-code-cache');

/**
 * Reads and compiles the bundle. Its bytes and the code cache's (1.6 MB each) are needed only
 * until V8 has compiled it: held in this function's scope, they are garbage before the bundle
 * runs, so the young generation's first collections free them instead of the process carrying
 * them to its first answer.
 */
function compileBundle() {
  const bundle = readFileSync(file);
  const cacheFile = join(import.meta.dirname, '.code-cache', `app-${crc32(bundle).toString(16)}.v8`);
  let cachedData;
  try {
    if (!warming) cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper shares the bundle's first line, so line numbers in stack traces hold.
  // esbuild writes ASCII only (it escapes the rest), which latin1 decodes fastest.
  const source = `(function (exports, require, module, __filename, __dirname) {${bundle.toString('latin1')}\n})`;
  const script = new Script(source, { filename: file, cachedData });
  const codeCache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { script, cacheFile, codeCache };
}

const { script, cacheFile, codeCache } = compileBundle();
const app = { exports: {} };
script.runInThisContext()(app.exports, createRequire(file), app, file, import.meta.dirname);

if (warming) {
  await app.exports.rehearse();
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, script.createCachedData());
  process.exit(0);
}
await app.exports.main({ codeCache });
