import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentTypeOf } from './content-types.ts';

/** One built file in memory, with the encodings the build compressed it into. */
export interface PageFile {
  contentType: string;
  etag: string;
  identity: Uint8Array;
  gzip?: Uint8Array;
  br?: Uint8Array;
}

/** The built page: its index.html and the hashed assets by URL path (`/assets/...`). */
export interface PageAssets {
  index: PageFile;
  assets: ReadonlyMap<string, PageFile>;
}

const ENCODED = /\.(gz|br)$/;

/**
 * Reads the page that build/build-page.ts wrote (a few hundred KB) into memory once, at start:
 * every request is then answered without touching the disk.
 */
export async function loadPageAssets(dir: string): Promise<PageAssets> {
  const readFileSet = async (path: string): Promise<PageFile> => {
    const identity = await readFile(path);
    const optional = (suffix: string) => readFile(`${path}${suffix}`).catch(() => undefined);
    const [gzip, br] = await Promise.all([optional('.gz'), optional('.br')]);
    return {
      contentType: contentTypeOf(path),
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
      identity,
      ...(gzip ? { gzip } : {}),
      ...(br ? { br } : {}),
    };
  };
  const names = (await readdir(join(dir, 'assets'))).filter((name) => !ENCODED.test(name));
  const [index, files] = await Promise.all([
    readFileSet(join(dir, 'index.html')),
    Promise.all(names.map(async (name) => [`/assets/${name}`, await readFileSet(join(dir, 'assets', name))] as const)),
  ]);
  return { index, assets: new Map(files) };
}
