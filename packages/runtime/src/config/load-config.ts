import type { z } from 'zod';

/** A configuration value is missing or invalid; `variable` names the environment variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment against a zod object whose keys are variable names. An empty
 * variable counts as unset, so `FOO=` in an env file falls back to the default.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const [variable = 'environment', ...inner] = (issue?.path ?? []).map(String);
  const missing = issue?.code === 'invalid_type' && inner.length === 0 && !(variable in present);
  const where = inner.length ? `${inner.join('.')}: ` : '';
  throw new ConfigError(variable, missing ? 'is required' : `${where}${issue?.message ?? 'is invalid'}`);
}

export interface ReadConfigOptions {
  env?: Env;
  /** Receives the one line that names the bad variable. */
  report?: (line: string) => void;
  exit?: (code: number) => never;
}

/** For entry files: a bad or missing variable ends the process with exit 1 and one line naming it. */
export function readConfigOrExit<S extends z.ZodType>(
  service: string,
  schema: S,
  options: ReadConfigOptions = {},
): z.output<S> {
  const { env = process.env, report = (line) => process.stderr.write(line), exit = process.exit } = options;
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const line = {
      time: new Date().toISOString(),
      level: 'error',
      msg: `invalid configuration: ${error.message}`,
      service,
      variable: error.variable,
    };
    report(`${JSON.stringify(line)}\n`);
    return exit(1);
  }
}
