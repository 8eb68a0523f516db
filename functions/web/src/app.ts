import { createFunctionApp, type FunctionApp, type Lifecycle, type Logger } from '@zerochat/runtime';
import { secureHeaders } from 'hono/secure-headers';
import type { PageAssets } from './page-assets.ts';
import { addPageRoutes } from './routes/page.ts';

export interface WebDeps {
  /** The built page, read into memory by loadPageAssets. */
  assets: PageAssets;
  log: Logger;
  lifecycle: Lifecycle;
}

/** The web function as a Hono app: the browser UI's files; no API, no database. */
export function createApp(deps: WebDeps): FunctionApp {
  const app = createFunctionApp({
    name: 'web',
    log: deps.log,
    lifecycle: deps.lifecycle,
    // Everything it serves is in memory: ready as soon as it listens.
    readiness: {},
    bodyLimitBytes: 1024,
  });
  app.use(
    secureHeaders({
      // HSTS belongs to whoever terminates TLS; on plain http (local, MetalLB) it means nothing.
      strictTransportSecurity: false,
      xFrameOptions: 'DENY',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
    }),
  );
  addPageRoutes(app, deps.assets);
  return app;
}
