import type { FunctionApp } from '@zerochat/runtime';
import type { Context } from 'hono';
import { CONTENT_SECURITY_POLICY } from '../content-security-policy.ts';
import type { PageAssets, PageFile } from '../page-assets.ts';
import { ASSET_PREFIX, PAGE_PATHS } from '../page-paths.ts';

/** Hashed names never change content: a browser may keep them for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so a browser asks each time (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

type Encoding = 'br' | 'gzip';

/** The best encoding the client accepts and the build made (RFC 9110 §12.5.3; q=0 refuses). */
export function preferredEncoding(acceptEncoding: string | undefined, file: PageFile): Encoding | undefined {
  const accepted = new Map(
    (acceptEncoding ?? '').split(',').map((part) => {
      const [name = '', ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((value) => value !== undefined);
      return [name.trim(), q === undefined ? 1 : Number(q)] as const;
    }),
  );
  const wants = (name: Encoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (file.br && wants('br')) return 'br';
  if (file.gzip && wants('gzip')) return 'gzip';
  return undefined;
}

function serveFile(c: Context, file: PageFile, cacheControl: string): Response {
  const headers = new Headers({
    'content-type': file.contentType,
    'cache-control': cacheControl,
    etag: file.etag,
    vary: 'accept-encoding',
    // On every file: an SVG or a map opened on its own gets no more rights than the page.
    'content-security-policy': CONTENT_SECURITY_POLICY,
  });
  if (c.req.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers });
  const encoding = preferredEncoding(c.req.header('accept-encoding'), file);
  if (encoding) headers.set('content-encoding', encoding);
  const body = encoding ? file[encoding] : file.identity;
  headers.set('content-length', String(body?.byteLength ?? 0));
  return new Response(body, { status: 200, headers });
}

/** The page at each of its paths, and its hashed assets; everything else is the frame's 404. */
export function addPageRoutes(app: FunctionApp, assets: PageAssets): void {
  for (const path of PAGE_PATHS) {
    app.get(path.replace(/\{(\w+)\}/g, ':$1'), (c) => serveFile(c, assets.index, REVALIDATE));
  }
  app.get(`${ASSET_PREFIX}:name`, (c, next) => {
    const file = assets.assets.get(c.req.path);
    return file ? serveFile(c, file, IMMUTABLE) : next();
  });
}
