import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { html } from 'hono/html';

export interface ApiInfo {
  /** The function's path prefix, e.g. "/auth". */
  prefix: string;
  title: string;
  version: string;
  description: string;
}

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/**
 * Serves `<prefix>/openapi.json` and a self-contained reference page at `<prefix>/docs`.
 * The page needs no CDN, so it works in clusters without egress.
 */
export function addApiDocs<E extends Env>(app: OpenAPIHono<E>, info: ApiInfo): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from POST /auth/login.',
  });
  const document = () =>
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: info.title, version: info.version, description: info.description },
    });

  app.openapi(
    createRoute({
      method: 'get',
      path: `${info.prefix}/openapi.json`,
      tags: ['docs'],
      summary: 'This OpenAPI 3.1 document',
      responses: {
        200: { description: 'OpenAPI document', content: { 'application/json': { schema: z.looseObject({}) } } },
      },
    }),
    (c) => c.json(document() as unknown as Record<string, unknown>, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: `${info.prefix}/docs`,
      tags: ['docs'],
      summary: 'API reference page',
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    }),
    (c) => c.html(renderReference(document(), `${info.prefix}/openapi.json`), 200),
  );
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function renderReference(doc: Document, specPath: string) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item?.[method];
      return op ? [{ path, method, op }] : [];
    }),
  );
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${doc.info.title}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:1rem 0}.m{display:inline-block;width:4.5rem;font-weight:700;text-transform:uppercase}
details{margin:.25rem 0}
</style></head>
<body>
<h1>${doc.info.title} <small>${doc.info.version}</small></h1>
<p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="${specPath}">${specPath}</a></p>
${operations.map(
  ({ path, method, op }) => html`<section class="op">
<div><span class="m">${method}</span><code>${path}</code>${op.security?.length ? ' 🔒' : ''}</div>
<p>${op.summary ?? ''}</p>
${op.requestBody ? html`<details><summary>Request body</summary><pre>${json(op.requestBody)}</pre></details>` : ''}
${Object.entries(op.responses ?? {}).map(
  ([status, response]) =>
    html`<details><summary>${status}: ${(response as { description?: string }).description ?? ''}</summary><pre>${json(response)}</pre></details>`,
)}
</section>`,
)}
</body></html>`;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
