import type { KongDeclarativeConfig, KongRoute } from '@zerochat/kong';

/** The route Kong would pick for a request, by method and path (zerochat's paths are regexes). */
export function matchRoute(config: KongDeclarativeConfig, method: string, path: string): KongRoute | undefined {
  return (config.services ?? [])
    .flatMap((service) => service.routes ?? [])
    .find(
      (route) =>
        route.methods?.includes(method as never) &&
        route.paths?.some((pattern) => new RegExp(`^${pattern.replace(/^~/, '')}`).test(path)),
    );
}

/** The service Kong would send a request to; undefined when no route matches. */
export function routedService(config: KongDeclarativeConfig, method: string, path: string): string | undefined {
  const route = matchRoute(config, method, path);
  return route && config.services?.find((service) => service.routes?.includes(route))?.name;
}
