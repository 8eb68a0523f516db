// The CloudEvent types and sources of the bootstrap, with no imports: the sender bundles only these.
/** Asks for a bootstrap: sent by the install Job, compose's one-shot and `npm run bootstrap`. */
export const BOOTSTRAP_REQUESTED = 'dev.zerochat.admin.bootstrap.requested';
/** The reply: its data is the bootstrap report. */
export const BOOTSTRAP_COMPLETED = 'dev.zerochat.admin.bootstrap.completed';
/** Knative PingSource ticks; those of zerochat's reconcile PingSource ask for a bootstrap too. */
export const PING = 'dev.knative.sources.ping';
export const RECONCILE_PING_SOURCE = 'zerochat-reconcile';
/** The `source` of the events the admin function sends. */
export const ADMIN_EVENT_SOURCE = '/zerochat/admin';
