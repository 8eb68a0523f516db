import { passwordLengthViolation } from '@zerochat/accounts';
import { KNATIVE_NAMESPACE, kongUpstreamsEnv } from '@zerochat/kong';
import { ollamaEnv, ollamaModelName } from '@zerochat/ollama';
import { accessTokenEnv, envBoolean, envHttpUrl, mongoEnv, requireKeySource, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

/** A comma-separated list of at least one `item`, each trimmed. */
const commaList = (item: z.ZodString, noun: string) =>
  z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1, `must name at least one ${noun}`));

export const adminEnv = {
  /** The model ollama/Modelfile builds on; pulled by the bootstrap when Ollama lacks it. */
  ZEROCHAT_BASE_MODEL: ollamaModelName.default('gemma3:270m'),
  /** Kong's admin API. Unset: the bootstrap leaves Kong alone (no gateway in front). */
  KONG_ADMIN_URL: envHttpUrl('http://kong:8001').optional(),
  /** Where Kong sends each function's traffic: compose, knative:<namespace> or JSON. */
  KONG_UPSTREAMS: kongUpstreamsEnv.optional(),
  /**
   * The ConfigMap (in KUBERNETES_NAMESPACE) whose `kong.yaml` a DB-less Kong loads at start: the
   * bootstrap keeps it holding the config it gives Kong, so a restarted Kong knows the keys.
   * Unset: only the running Kong is configured.
   */
  KONG_START_CONFIGMAP: z
    .string()
    .regex(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/, 'must be a ConfigMap name')
    .optional(),
  /** Origins Kong's CORS plugin allows, comma-separated; `*` by default. */
  KONG_CORS_ORIGINS: commaList(z.string(), 'origin').default(['*']),
  /** The account the bootstrap creates as the first admin when it does not exist. */
  BOOTSTRAP_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  /** Whether the bootstrap makes an existing account of that email an admin (not by default). */
  BOOTSTRAP_ADMIN_PROMOTE_EXISTING: envBoolean.default(false),
  /** Its password, used only when the account does not exist yet. Secret. */
  BOOTSTRAP_ADMIN_PASSWORD: z
    .string()
    .refine((password) => passwordLengthViolation(password) === undefined, {
      error: (issue) => passwordLengthViolation(String(issue.input)) ?? 'is not acceptable',
    })
    .optional(),
  /**
   * How /admin/events proves who sent an event: `secret` (ADMIN_EVENTS_SECRET as a bearer
   * token: compose, npm start), `oidc` (Knative Eventing's sender identity: a service-account
   * token of the cluster's issuer) or `none` (anyone who reaches the route).
   */
  ADMIN_EVENTS_AUTH: z.enum(['secret', 'oidc', 'none']).default('secret'),
  /** The bearer token event senders present with ADMIN_EVENTS_AUTH=secret. Secret. */
  ADMIN_EVENTS_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (npm run compose:secrets makes one)')
    .optional(),
  /** With oidc: the audience the Triggers delivering to admin ask for (their `subscriber.audience`). */
  ADMIN_EVENTS_OIDC_AUDIENCE: z.string().trim().min(1).max(256).optional(),
  /** With oidc: the token `sub`s accepted, the service accounts of those Triggers. */
  ADMIN_EVENTS_OIDC_SUBJECTS: commaList(
    z
      .string()
      .regex(/^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/, 'must be system:serviceaccount:<namespace>:<name>'),
    'subject',
  ).optional(),
  /** With oidc: where the issuer's discovery document is (`<url>/.well-known/openid-configuration`). */
  ADMIN_EVENTS_OIDC_DISCOVERY_URL: envHttpUrl('https://kubernetes.default.svc').default(
    'https://kubernetes.default.svc',
  ),
  /** With oidc: the service-account folder whose `ca.crt` and `token` reach the discovery. */
  ADMIN_EVENTS_OIDC_SERVICE_ACCOUNT_DIR: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount'),
  /** The `source`s a bootstrap request may come from; others are refused (403). */
  ADMIN_EVENT_SOURCES: commaList(z.string().max(256), 'source').default([
    '/zerochat/install',
    '/zerochat/compose',
    '/zerochat/bootstrap',
    '/zerochat/local',
  ]),
  /** The namespace whose Knative services /admin/status lists, and whose PingSource reconciles. */
  KUBERNETES_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .default(KNATIVE_NAMESPACE),
  /** Set by Kubernetes in every pod: the Knative status then uses the pod's service account. */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** A kubeconfig file for the Knative status outside a cluster. */
  KUBECONFIG: z.string().optional(),
};

export const adminConfigSchema = z
  .object({ ...serverEnv, ...mongoEnv, ...accessTokenEnv, ...ollamaEnv, ...adminEnv })
  .superRefine(requireKeySource)
  .superRefine((config, ctx) => {
    if (config.KONG_ADMIN_URL && !config.KONG_UPSTREAMS) {
      ctx.addIssue({
        code: 'custom',
        path: ['KONG_UPSTREAMS'],
        message: 'is required with KONG_ADMIN_URL ("compose", "knative:<namespace>" or JSON)',
      });
    }
    if (config.ADMIN_EVENTS_AUTH === 'secret' && !config.ADMIN_EVENTS_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_EVENTS_SECRET'],
        message: 'is required with ADMIN_EVENTS_AUTH=secret (npm run compose:secrets makes one)',
      });
    }
    if (config.ADMIN_EVENTS_AUTH === 'oidc') {
      for (const variable of ['ADMIN_EVENTS_OIDC_AUDIENCE', 'ADMIN_EVENTS_OIDC_SUBJECTS'] as const) {
        if (!config[variable]) {
          ctx.addIssue({ code: 'custom', path: [variable], message: 'is required with ADMIN_EVENTS_AUTH=oidc' });
        }
      }
    }
    if (config.BOOTSTRAP_ADMIN_PASSWORD && !config.BOOTSTRAP_ADMIN_EMAIL) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOOTSTRAP_ADMIN_EMAIL'],
        message: 'is required with BOOTSTRAP_ADMIN_PASSWORD',
      });
    }
  });

export type AdminConfig = z.output<typeof adminConfigSchema>;

/** The settings createApp reads: everything but where to listen and which database to open. */
export type AdminSettings = Omit<
  AdminConfig,
  'PORT' | 'HOST' | 'LOG_LEVEL' | 'SHUTDOWN_GRACE_MS' | 'MONGODB_URI' | 'MONGODB_DB' | 'MONGODB_TIMEOUT_MS'
>;
