import type { ApiKeyStore, SessionStore, UserStore } from '@zerochat/accounts';
import type { ProcessedEventDocument, RemovedUserData } from '@zerochat/data';
import type { MetricsRegistry, PrincipalVariables } from '@zerochat/runtime';
import type { MiddlewareHandler } from 'hono';
import type { Collection, ObjectId } from 'mongodb';
import type { Bootstrap } from './bootstrap/bootstrap.ts';
import type { EventSenderVerifier } from './events/event-senders.ts';
import type { StatusDocument } from './status/status.ts';
import type { AdminRoster } from './users/admin-roster.ts';

/** What the routes work with, built once from the deps. */
export interface AdminContext {
  bootstrap: Bootstrap;
  users: UserStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  processedEvents: Collection<ProcessedEventDocument>;
  requireAdmin: MiddlewareHandler<{ Variables: PrincipalVariables }>[];
  /** Guards every change that takes admin rights away: the last enabled admin stays. */
  roster: AdminRoster;
  /** Deletes the account and everything of the user's (USER_DATA in @zerochat/data). */
  deleteUserData(userId: ObjectId): Promise<RemovedUserData>;
  /** Resolves once the account indexes exist (the unique email index above all). */
  indexesReady(): Promise<void>;
  status(): Promise<StatusDocument>;
  metrics: MetricsRegistry;
  /** Whose reconcile PingSource asks for bootstraps. */
  namespace: string;
  /** The ways /admin/events accepts to prove a sender (ADMIN_EVENTS_AUTH). */
  eventSenders: EventSenderVerifier[];
  /** ADMIN_EVENT_SOURCES: where a bootstrap request may come from. */
  eventSources: readonly string[];
  now: () => Date;
}
