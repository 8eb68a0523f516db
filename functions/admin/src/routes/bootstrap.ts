import { createRoute } from '@hono/zod-openapi';
import { type FunctionApp, jsonResponse } from '@zerochat/runtime';
import type { AdminContext } from '../admin-context.ts';
import { bootstrapFailed } from '../problems.ts';
import { adminAuthProblems, BootstrapReportSchema, bootstrapFailedResponse, secured } from './schemas.ts';

const runBootstrap = createRoute({
  method: 'post',
  path: '/admin/bootstrap',
  tags: ['bootstrap'],
  summary: 'Run the bootstrap now and answer its report',
  description:
    'The same bootstrap a CloudEvent starts: MongoDB indexes, the first admin, the Ollama models, the Kong config. Steps with nothing to do report `ok`. A run already under way is joined, not repeated.',
  ...secured,
  responses: {
    200: jsonResponse(BootstrapReportSchema, 'Every step is ok or changed'),
    ...adminAuthProblems,
    503: bootstrapFailedResponse,
  },
});

export function addBootstrapRoutes(app: FunctionApp, services: AdminContext): void {
  app.openapi({ ...runBootstrap, middleware: services.requireAdmin }, async (c) => {
    const report = await services.bootstrap.run({ kind: 'api', userId: c.get('principal').userId });
    if (report.status === 'failed') throw bootstrapFailed(report);
    return c.json(report, 200);
  });
}
