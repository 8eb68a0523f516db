import { stringify } from 'yaml';
import type { KongDeclarativeConfig } from './declarative-schema.ts';

/** A rendered config as the YAML file Kong reads (`KONG_DECLARATIVE_CONFIG`), with a header comment. */
export function toKongYaml(config: KongDeclarativeConfig, header: readonly string[] = []): string {
  const comment = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  const body = stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
  return comment ? `${comment}\n${body}` : body;
}
