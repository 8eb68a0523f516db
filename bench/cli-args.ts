import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/**
 * A benchmark's options from its command line. `--help` prints `usage` and exits; an unknown
 * option or a missing value ends the process with one line and the usage, not a stack trace.
 */
export function benchArgs<const Options extends ParseArgsOptionsConfig>(usage: string, options: Options) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    return values;
  } catch (error) {
    return usageError(usage, (error as Error).message);
  }
}

/** Ends the process over a wrong command line: what is wrong, then the usage. */
export function usageError(usage: string, message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

/** `--name`'s value as a whole number of at least 1, or the process ends saying so. */
export function wholeNumber(usage: string, name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usageError(usage, `--${name} must be a whole number of at least 1`);
  return value;
}
