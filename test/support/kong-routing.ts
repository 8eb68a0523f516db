import type { KongDeclarativeConfig, KongRoute } from '@zerochat/kong';

// A stand-in for Kong's router (Kong cannot run here), as far as zerochat's routes need it:
// methods, regex paths, and header values (a `~*` value is a case-insensitive regex). Of the
// routes that match, one with header conditions wins, as in Kong's router.

function headersMatch(route: KongRoute, headers: Record<string, string>): boolean {
  const sent = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.entries(route.headers ?? {}).every(([name, values]) => {
    const value = sent.get(name.toLowerCase());
    if (value === undefined) return false;
    const [only] = values;
    if (values.length === 1 && only?.startsWith('~*')) return new RegExp(only.slice(2), 'i').test(value);
    return values.some((candidate) => candidate.toLowerCase() === value.toLowerCase());
  });
}

/** The route Kong would pick for a request, by method, path (zerochat's paths are regexes) and headers. */
export function matchRoute(
  config: KongDeclarativeConfig,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): KongRoute | undefined {
  const matching = (config.services ?? [])
    .flatMap((service) => service.routes ?? [])
    .filter(
      (route) =>
        route.methods?.includes(method as never) &&
        route.paths?.some((pattern) => new RegExp(`^${pattern.replace(/^~/, '')}`).test(path)) &&
        headersMatch(route, headers),
    );
  const conditions = (route: KongRoute) => Object.keys(route.headers ?? {}).length;
  return matching.sort((a, b) => conditions(b) - conditions(a))[0];
}

/** The service Kong would send a request to; undefined when no route matches. */
export function routedService(
  config: KongDeclarativeConfig,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): string | undefined {
  const route = matchRoute(config, method, path, headers);
  return route && config.services?.find((service) => service.routes?.includes(route))?.name;
}
