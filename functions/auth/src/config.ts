import { mongoEnv, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const authConfigSchema = z.object({ ...serverEnv, ...mongoEnv });

export type AuthConfig = z.output<typeof authConfigSchema>;
