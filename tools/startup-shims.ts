import { join } from 'node:path';
import type { Plugin } from 'esbuild';

const shims = join(import.meta.dirname, 'bundle-shims');

/** What each replaced module is replaced with; each shim says why. */
export const STARTUP_SHIMS: Readonly<Record<string, string>> = {
  'whatwg-url': join(shims, 'whatwg-url.cjs'),
  '@mongodb-js/saslprep': join(shims, 'saslprep.cjs'),
  'whatwg-fetch': join(shims, 'empty.cjs'),
};

/** zod's own import of all its locales (from zod/v4/classic, core and mini), English only. */
const ZOD_LOCALES = /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/;

/** esbuild plugin: replaces modules that cost start-up time for nothing zerochat needs. */
export const startupShims: Plugin = {
  name: 'startup-shims',
  setup(esbuild) {
    const names = Object.keys(STARTUP_SHIMS).map((name) => name.replace(/[/.]/g, '\\$&'));
    esbuild.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
      // A shim that wraps the real module imports it by its own name.
      args.importer.startsWith(shims) ? undefined : { path: STARTUP_SHIMS[args.path] as string },
    );
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      ZOD_LOCALES.test(args.importer) ? { path: join(shims, 'zod-locales.js') } : undefined,
    );
  },
};
