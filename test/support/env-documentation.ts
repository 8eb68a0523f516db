import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import type { z } from 'zod';

/** The variables `.env.example` documents (as `NAME=` lines). */
export async function documentedVariables(): Promise<Set<string>> {
  const text = await readFile(join(REPO_ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? ''));
}

/** The variables a function's config schema needs: those without a default that are not optional. */
export function requiredVariables(schema: { shape: Record<string, z.ZodType> }): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}
