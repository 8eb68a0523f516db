// The page's own paths: each answers the same index.html and the page's router shows the view.
// Kong routes exactly these to the web function (kong/src/public-routes.ts; a test keeps the two
// in step), so no path under /auth, /chat, /admin or /v1 ever wakes it.

/** OpenAPI-style paths (`{id}` is one path segment) that answer the page. */
export const PAGE_PATHS = ['/', '/c/{id}', '/settings', '/console'] as const;

/** Where the hashed, immutable assets live: `/assets/<name>-<hash>.<ext>`. */
export const ASSET_PREFIX = '/assets/';
