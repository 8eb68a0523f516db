import { mongoEnv, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const chatConfigSchema = z.object({ ...serverEnv, ...mongoEnv });

export type ChatConfig = z.output<typeof chatConfigSchema>;
