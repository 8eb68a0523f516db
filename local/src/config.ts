import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { envInteger, mongoEnv, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

/**
 * What `npm start` reads itself; every function's own variables (AUTH_*, CHAT_*, ...) pass
 * through to the function as they would in a container.
 */
export const localConfigSchema = z.object({
  ...serverEnv,
  /** The port Kong has in the other modes, so every URL is the same. */
  PORT: envInteger(0, 65_535).default(8000),
  /** Loopback by default: the first admin's password sits in a file on this machine. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Streams may run on this long after Ctrl-C. */
  SHUTDOWN_GRACE_MS: envInteger(0, 3_600_000).default(5000),
  MONGODB_URI: mongoEnv.MONGODB_URI.optional(),
  MONGODB_DB: mongoEnv.MONGODB_DB,
  MONGODB_TIMEOUT_MS: mongoEnv.MONGODB_TIMEOUT_MS,
  OLLAMA_HOST: z.string().trim().min(1).optional(),
  /** What the zerochat model is built on (ollama/Modelfile's FROM). */
  ZEROCHAT_BASE_MODEL: z.string().trim().min(1).default('gemma3:270m'),
  /** Keys, the admin password, FerretDB's SQLite files and Ollama's models. */
  ZEROCHAT_DATA_DIR: z.string().min(1).default(join(REPO_ROOT, '.data')),
});

export type LocalConfig = z.output<typeof localConfigSchema>;
