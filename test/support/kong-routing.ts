import type { KongDeclarativeConfig } from '@zerochat/kong';

/** The service Kong would send a request to, by method and path (zerochat's paths are regexes); undefined when no route matches. */
export function routedService(config: KongDeclarativeConfig, method: string, path: string): string | undefined {
  return config.services?.find((service) =>
    service.routes?.some(
      (route) =>
        route.methods?.includes(method as never) &&
        route.paths?.some((pattern) => new RegExp(`^${pattern.replace(/^~/, '')}`).test(path)),
    ),
  )?.name;
}
