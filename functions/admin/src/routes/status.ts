import { createRoute } from '@hono/zod-openapi';
import { type FunctionApp, jsonResponse } from '@zerochat/runtime';
import type { AdminContext } from '../admin-context.ts';
import { StatusDocumentSchema } from '../status/status.ts';
import { adminAuthProblems, secured } from './schemas.ts';

const status = createRoute({
  method: 'get',
  path: '/admin/status',
  tags: ['status'],
  summary: 'How MongoDB, Ollama, Kong and the Knative services are',
  description:
    'Every dependency is asked in parallel, each within 3 seconds. One that fails is reported inside the document (status 200), so the endpoint answers even while Kong or Ollama is down.',
  ...secured,
  responses: {
    200: jsonResponse(StatusDocumentSchema.openapi('Status'), 'The status of each dependency'),
    ...adminAuthProblems,
  },
});

export function addStatusRoutes(app: FunctionApp, services: AdminContext): void {
  app.openapi({ ...status, middleware: services.requireAdmin }, async (c) =>
    c.json(await services.status(), 200, { 'cache-control': 'no-store' }),
  );
}
