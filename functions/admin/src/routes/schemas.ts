import { z } from '@hono/zod-openapi';
import { ProblemSchema, problem } from '@zerochat/runtime';
import { STEP_NAMES } from '../bootstrap/bootstrap.ts';

/** For every response that carries account data. */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

const Outcome = z.enum(['ok', 'changed', 'failed']);

export const BootstrapReportSchema = z
  .object({
    status: Outcome.openapi({ description: '`failed` if a step failed, else `changed` if a step changed something.' }),
    trigger: z.union([
      z.object({ kind: z.literal('event'), type: z.string(), source: z.string(), id: z.string() }),
      z.object({ kind: z.literal('api'), userId: z.string() }),
    ]),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationMs: z.number().int(),
    steps: z.array(
      z.object({
        step: z.enum(STEP_NAMES),
        outcome: Outcome,
        reason: z.string().openapi({ example: 'created 12 of 12 indexes: users.email_unique, …' }),
        durationMs: z.number().int(),
      }),
    ),
  })
  .openapi('BootstrapReport');

export const BootstrapFailedSchema = ProblemSchema.extend({ report: BootstrapReportSchema }).openapi('BootstrapFailed');

export const bootstrapFailedResponse = {
  description: 'A step failed (bootstrap_failed); the report says which and why',
  content: { 'application/problem+json': { schema: BootstrapFailedSchema } },
} as const;

/** The access-token problems every admin route can answer. */
export const adminAuthProblems = {
  401: problem('No valid access token (token_*)'),
  403: problem('The token or the account is not an enabled admin (forbidden)'),
} as const;

export const secured = { security: [{ bearerAuth: [] }] };
