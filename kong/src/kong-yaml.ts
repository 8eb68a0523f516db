import { parse, stringify } from 'yaml';
import type { KongDeclarativeConfig } from './declarative-schema.ts';
import { digestFromTags } from './render-config.ts';

/** A rendered config as the YAML file Kong reads (`KONG_DECLARATIVE_CONFIG`), with a header comment. */
export function toKongYaml(config: KongDeclarativeConfig, header: readonly string[] = []): string {
  const comment = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  const body = stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
  return comment ? `${comment}\n${body}` : body;
}

/** The digest tag a rendered YAML file carries; undefined for anything else (or no YAML at all). */
export function kongYamlDigest(text: string): string | undefined {
  try {
    const config = parse(text) as KongDeclarativeConfig | null;
    return digestFromTags(config?.services?.[0]?.tags ?? undefined);
  } catch {
    return undefined;
  }
}
