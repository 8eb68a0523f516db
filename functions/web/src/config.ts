import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const webConfigSchema = z.object({
  ...serverEnv,
  /** The built page: index.html and assets/. Unset: public/ beside the bundle's server.js. */
  WEB_ASSETS_DIR: z.string().min(1).optional(),
});

/** A folder that holds a built page; checked at start, so a wrong one stops with one clear line. */
export const builtPageDirectory = z
  .string()
  .refine(
    (dir) => existsSync(join(dir, 'index.html')),
    'holds no built page (index.html): build one with node functions/web/build/build-page.ts <dir>',
  );

export type WebConfig = z.output<typeof webConfigSchema>;
