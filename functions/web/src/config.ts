import { serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const webConfigSchema = z.object({
  ...serverEnv,
  /**
   * The built page (index.html and assets/). Unset: `public/` beside the bundle's server.js,
   * where `npm run build` puts it.
   */
  WEB_ASSETS_DIR: z.string().min(1).optional(),
});

export type WebConfig = z.output<typeof webConfigSchema>;
