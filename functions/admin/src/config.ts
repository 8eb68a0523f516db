import { mongoEnv, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const adminConfigSchema = z.object({ ...serverEnv, ...mongoEnv });

export type AdminConfig = z.output<typeof adminConfigSchema>;
