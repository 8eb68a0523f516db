import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { TestSigningKey } from '../../../test/support/keys.ts';
import { BOOTSTRAP_REQUESTED } from '../src/events/event-types.ts';
import { type AdminTestApp, adminTestApp, tinyBaseModel, uniqueModelNames } from './admin-harness.ts';

// What the tests of ADMIN_EVENTS_AUTH=oidc share: the settings Knative's config.env gives admin,
// and a bootstrap request as a Trigger delivers it.

/** The audience of knative/base/config.env and the Triggers' subscriber.audience. */
export const OIDC_TEST_AUDIENCE = 'zerochat-admin-events';
/** The bootstrap source the tests' events come from. */
export const OIDC_TEST_SOURCE = '/zerochat/install';

/** The service account Eventing creates for a Trigger's deliveries. */
export const triggerServiceAccount = (trigger: string) => `${trigger}-oidc-eventing.knative.dev-trigger`;

/** The admin settings for ADMIN_EVENTS_AUTH=oidc, as variables. */
export function oidcEventsEnv(options: {
  discoveryUrl: string;
  subjects: readonly string[];
  serviceAccountDir: string;
}): Record<string, string> {
  return {
    ADMIN_EVENTS_AUTH: 'oidc',
    ADMIN_EVENTS_OIDC_AUDIENCE: OIDC_TEST_AUDIENCE,
    ADMIN_EVENTS_OIDC_SUBJECTS: options.subjects.join(', '),
    ADMIN_EVENTS_OIDC_DISCOVERY_URL: options.discoveryUrl,
    ADMIN_EVENTS_OIDC_SERVICE_ACCOUNT_DIR: options.serviceAccountDir,
    ADMIN_EVENT_SOURCES: OIDC_TEST_SOURCE,
  };
}

/**
 * The admin app with ADMIN_EVENTS_AUTH=oidc on `db`, its bootstrap on the test Ollama (the tiny
 * model as base model); `now` moves its clock.
 */
export function oidcAdminApp(options: {
  db: Db;
  key: TestSigningKey;
  ollamaHost: string;
  discoveryUrl: string;
  subjects: readonly string[];
  serviceAccountDir: string;
  now?: () => Date;
}): AdminTestApp {
  return adminTestApp(
    options.db,
    options.key,
    { ...uniqueModelNames(), OLLAMA_HOST: options.ollamaHost, ...oidcEventsEnv(options) },
    { baseModelSource: tinyBaseModel(options.ollamaHost), ...(options.now ? { now: options.now } : {}) },
  );
}

/** A bootstrap request in binary mode, with a new id, carrying `token` as a bearer token if given. */
export function bootstrapRequest(token: string | undefined): RequestInit {
  return {
    method: 'POST',
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      'ce-specversion': '1.0',
      'ce-type': BOOTSTRAP_REQUESTED,
      'ce-source': OIDC_TEST_SOURCE,
      'ce-id': randomUUID(),
      'content-type': 'application/json',
    },
    body: '{}',
  };
}
