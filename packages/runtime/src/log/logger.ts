export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, e.g. the request id. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  fields?: LogFields;
  /** Where a finished line goes; stdout by default (Kubernetes collects it from there). */
  write?: (line: string) => void;
  now?: () => Date;
}

/** A JSON-lines logger: one object per line, `time`, `level`, `msg`, then the fields. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level);

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const entry = { time: now().toISOString(), level, msg, ...base, ...fields };
      write(`${JSON.stringify(entry, serialise)}\n`);
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

function serialise(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const code = (value as { code?: unknown }).code;
    const cause = value.cause instanceof Error ? value.cause : undefined;
    return { name, message, ...(code === undefined ? {} : { code }), stack, ...(cause ? { cause } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
