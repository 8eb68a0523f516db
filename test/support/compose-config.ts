import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureGoProgram } from '@zerochat/local-services';

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: a compose project as compose-go prints it
export type ComposeProject = Record<string, any>;

export interface ComposeLoad {
  file: string;
  projectDirectory: string;
  /** Env files for interpolation; none: compose's own default, the project directory's .env. */
  envFiles?: string[];
  profiles?: string[];
  /** The loader's whole process environment: a developer's COMPOSE_PROFILES never leaks in. */
  env?: Record<string, string>;
}

export type ComposeLoader = (load: ComposeLoad) => Promise<ComposeProject>;

/**
 * compose-go, the loader behind `docker compose config`, as tools/compose-config runs it (built
 * once into the cache folder). It resolves a compose file as `docker compose` would, or throws
 * compose's own message.
 */
export async function composeLoader(cacheDir: string): Promise<ComposeLoader> {
  const binary = await ensureGoProgram(
    { cacheDir, report: (line) => process.stdout.write(`[compose-config] ${line}\n`) },
    'tools/compose-config',
  );
  return async ({ file, projectDirectory, envFiles = [], profiles = [], env = {} }) => {
    const args = ['--file', file, '--project-directory', projectDirectory];
    for (const envFile of envFiles) args.push('--env-file', envFile);
    for (const profile of profiles) args.push('--profile', profile);
    try {
      const { stdout } = await run(binary, args, { env, maxBuffer: 16 << 20 });
      return JSON.parse(stdout) as ComposeProject;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr;
      throw new Error(`compose refuses ${file}: ${stderr?.trim() || String(error)}`, { cause: error });
    }
  };
}
