import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { ValidationTargets } from 'hono/types';
import type { $ZodIssue } from 'zod/v4/core';
import type { FieldError } from '../errors/app-error.ts';
import { validationFailed } from '../errors/problems.ts';

const SOURCE: Partial<Record<keyof ValidationTargets, FieldError['in']>> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
};

const pointer = (path: readonly PropertyKey[]) =>
  path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** One FieldError per offending value; an unknown key is reported at its own pointer. */
export function toFieldErrors(issues: readonly $ZodIssue[], source: FieldError['in']): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ in: source, pointer: pointer([...issue.path, key]), detail: 'Unknown field.' }))
      : [{ in: source, pointer: pointer(issue.path), detail: issue.message }],
  );
}

/**
 * An OpenAPIHono whose request validation failures become 400 validation_failed problems
 * listing every offending field, instead of zod's raw error JSON.
 */
export function createOpenApiApp<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(toFieldErrors(result.error.issues, SOURCE[result.target] ?? 'body'));
    },
  });
}

/** The request-body part of a route: required JSON matching `schema`. */
export function jsonBody<S extends z.ZodType>(schema: S, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { 'application/json': { schema } },
  } as const;
}

/** A response documented as JSON matching `schema`. */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string(),
    errors: z
      .array(z.object({ in: z.enum(['body', 'query', 'path', 'header']), pointer: z.string(), detail: z.string() }))
      .optional(),
  })
  .openapi('Problem');

/** A problem+json response in the OpenAPI document, e.g. `problem('Not your conversation')`. */
export function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } } as const;
}
