/**
 * The fields of `applied` that the API server did not store as given, as `path: applied …,
 * stored …` lines; fields it added (defaults, metadata, status) are not differences.
 */
export function storedDifferences(applied: unknown, stored: unknown, path = ''): string[] {
  if (Array.isArray(applied)) {
    if (!Array.isArray(stored) || stored.length !== applied.length) {
      return [`${path}: applied ${JSON.stringify(applied)}, stored ${JSON.stringify(stored)}`];
    }
    return applied.flatMap((item, index) => storedDifferences(item, stored[index], `${path}[${index}]`));
  }
  if (applied && typeof applied === 'object') {
    if (!stored || typeof stored !== 'object') return [`${path}: applied an object, stored ${JSON.stringify(stored)}`];
    return Object.entries(applied).flatMap(([key, value]) =>
      storedDifferences(value, (stored as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return Object.is(applied, stored)
    ? []
    : [`${path}: applied ${JSON.stringify(applied)}, stored ${JSON.stringify(stored)}`];
}
