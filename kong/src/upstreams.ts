import { z } from 'zod';
import { FUNCTIONS, type FunctionName } from './public-routes.ts';

/** Where Kong sends a function's traffic. */
export interface FunctionUpstream {
  /** Base URL: scheme, host and port (no path). */
  url: string;
  /** Host header to send instead of the URL's host (Knative routes by Host header). */
  hostHeader?: string;
}

export type FunctionUpstreams = Readonly<Record<FunctionName, FunctionUpstream>>;

/** docker compose: each function is a container listening on 8080. */
export function composeUpstreams(): FunctionUpstreams {
  return {
    auth: { url: 'http://auth:8080' },
    chat: { url: 'http://chat:8080' },
    admin: { url: 'http://admin:8080' },
    web: { url: 'http://web:8080' },
  };
}

/** Kourier's in-cluster gateway, which reaches cluster-local Knative services. */
export const KOURIER_INTERNAL_URL = 'http://kourier-internal.kourier-system.svc.cluster.local';

/**
 * Knative: every function through Kourier's internal gateway, with the Host header that
 * selects the Knative service (Kong's own Knative support was removed in KIC 3.0).
 */
export function knativeUpstreams(namespace: string, gatewayUrl = KOURIER_INTERNAL_URL): FunctionUpstreams {
  const upstream = (fn: FunctionName) => ({ url: gatewayUrl, hostHeader: `${fn}.${namespace}.svc.cluster.local` });
  return { auth: upstream('auth'), chat: upstream('chat'), admin: upstream('admin'), web: upstream('web') };
}

const upstreamUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => ['', '/'].includes(new URL(value).pathname), 'must have no path');

const functionUpstream = z.strictObject({ url: upstreamUrl, hostHeader: z.string().min(1).optional() });

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `KONG_UPSTREAMS`: `compose`, `knative:<namespace>`, or a JSON object
 * `{"auth":{"url":"http://…","hostHeader":"…"},"chat":…,"admin":…,"web":…}`.
 */
export const kongUpstreamsEnv = z.string().transform((value, ctx): FunctionUpstreams => {
  if (value === 'compose') return composeUpstreams();
  const knative = /^knative:(.+)$/.exec(value);
  if (knative) {
    const namespace = knative[1] ?? '';
    if (NAMESPACE.test(namespace)) return knativeUpstreams(namespace);
    ctx.addIssue({ code: 'custom', message: `"${namespace}" is not a Kubernetes namespace name` });
    return z.NEVER;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be "compose", "knative:<namespace>" or a JSON object' });
    return z.NEVER;
  }
  const result = z
    .strictObject(
      Object.fromEntries(FUNCTIONS.map((fn) => [fn, functionUpstream])) as Record<
        FunctionName,
        typeof functionUpstream
      >,
    )
    .safeParse(parsed);
  if (result.success) return result.data;
  for (const issue of result.error.issues)
    ctx.addIssue({ code: 'custom', message: `${issue.path.join('.')}: ${issue.message}` });
  return z.NEVER;
});
