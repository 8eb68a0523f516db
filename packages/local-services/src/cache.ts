import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Where built binaries and their sources are kept between runs: ZEROCHAT_CACHE_DIR, or the
 * git-ignored `.cache/` of the checkout. Several checkouts can share one with the variable.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ZEROCHAT_CACHE_DIR || resolve(REPO_ROOT, '.cache'));
}
