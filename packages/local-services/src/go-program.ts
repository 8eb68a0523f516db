import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './cache.ts';
import { type BuildOptions, go, isExecutable } from './go-build.ts';

/** The files a Go program of the repository is built from: go.mod, go.sum and its .go files. */
async function sourceDigest(folder: string): Promise<string> {
  const names = (await readdir(folder)).filter((name) => /^go\.(mod|sum)$|\.go$/.test(name)).sort();
  const hash = createHash('sha256');
  for (const name of names)
    hash
      .update(`${name}\0`)
      .update(await readFile(join(folder, name)))
      .update('\0');
  return hash.digest('hex').slice(0, 12);
}

/**
 * A Go program kept in the repository (its own module under `folder`, with a committed
 * go.sum), built once and cached under a name that changes with its sources, so an edit
 * rebuilds it and checkouts on other commits keep their own build.
 */
export async function ensureGoProgram(
  { cacheDir, report }: BuildOptions,
  folder: string,
  root: string = REPO_ROOT,
): Promise<string> {
  const source = join(root, folder);
  const name = folder.split('/').at(-1) ?? folder;
  const binary = join(cacheDir, 'bin', `${name}-${await sourceDigest(source)}`);
  if (await isExecutable(binary)) return binary;
  report(`building ${folder} with Go (once, cached in ${cacheDir}) ...`);
  await mkdir(join(cacheDir, 'bin'), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  // -mod=readonly: the build uses exactly the committed go.sum, never a newer module.
  await go(['build', '-mod=readonly', '-o', partial, '.'], { cwd: source });
  await rename(partial, binary);
  return binary;
}
