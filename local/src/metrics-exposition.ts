/**
 * Merges Prometheus text expositions of several registries in one process into one valid
 * exposition: each metric family is declared once (HELP, TYPE) with the samples of every
 * registry; a series that several registries report (process memory) is kept once.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, { header: string[]; samples: Map<string, string> }>();
  for (const text of texts) {
    let current: { header: string[]; samples: Map<string, string> } | undefined;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const declaration = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (declaration) {
        const name = declaration[2] ?? '';
        current = families.get(name);
        if (!current) {
          current = { header: [], samples: new Map() };
          families.set(name, current);
        }
        if (!current.header.some((known) => known.startsWith(`# ${declaration[1]} `))) current.header.push(line);
        continue;
      }
      if (line.startsWith('#') || !current) continue;
      const series = line.slice(0, line.lastIndexOf(' '));
      if (!current.samples.has(series)) current.samples.set(series, line);
    }
  }
  const lines = [...families.values()].flatMap(({ header, samples }) => [...header, ...samples.values()]);
  return `${lines.join('\n')}\n`;
}
