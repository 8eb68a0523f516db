// zod's namespace (`z`) re-exports every one of its ~50 locales, about 300 KB of a function's
// bundle that V8 reads on every start. zerochat's messages are English, the locale zod sets
// itself (z.config(z.locales.en()) is its default); the others are left out of the bundle.
export { default as en } from 'zod/v4/locales/en.js';
