import { AppError, type FieldError } from '@zerochat/runtime';
import type { BootstrapReport } from './bootstrap/bootstrap.ts';

// The problems only the admin function raises (docs/admin.md lists them).

/** Not a CloudEvent 1.0 this function can read: answered 400, so a Broker does not retry it. */
export function malformedEvent(errors: readonly FieldError[]): AppError {
  return new AppError({
    code: 'malformed_event',
    status: 400,
    title: 'Malformed CloudEvent',
    detail: `The request is not a valid CloudEvent 1.0 (${errors.length} problem${errors.length === 1 ? '' : 's'}).`,
    errors,
  });
}

/** A bootstrap request from a source the configuration does not name: 403, not retried by a Broker. */
export function eventSourceRefused(source: string): AppError {
  return new AppError({
    code: 'event_source_refused',
    status: 403,
    title: 'Event source refused',
    detail: `Bootstrap requests are taken from the sources in ADMIN_EVENT_SOURCES only, not from "${source.slice(0, 256)}".`,
  });
}

/** A proven sender that is not one of the event senders this function takes events from: 403. */
export function eventSenderForbidden(subject: string): AppError {
  return new AppError({
    code: 'event_sender_refused',
    status: 403,
    title: 'Event sender refused',
    detail: `Events are taken from the senders in ADMIN_EVENTS_OIDC_SUBJECTS only, not from "${subject.slice(0, 256)}".`,
  });
}

/** A bootstrap step failed: 503, so a Broker retries the event (and the repeat runs again). */
export function bootstrapFailed(report: BootstrapReport): AppError {
  const failed = report.steps.filter((step) => step.outcome === 'failed').map((step) => step.step);
  return new AppError({
    code: 'bootstrap_failed',
    status: 503,
    title: 'Bootstrap failed',
    detail: `The bootstrap did not complete: ${failed.join(', ')} failed. The report says why; retry once that is fixed.`,
    extensions: { report },
  });
}

/** The token is an admin's, but the account no longer is one (demoted, disabled or deleted). */
export function notAnAdmin(): AppError {
  return new AppError({
    code: 'forbidden',
    status: 403,
    title: 'Forbidden',
    detail: 'Your account is no longer an enabled admin.',
  });
}

export function ownAccount(): AppError {
  return new AppError({
    code: 'own_account',
    status: 403,
    title: 'Own account',
    detail: 'An admin cannot demote, disable, reset or delete their own account; another admin can.',
  });
}

/** The change would leave no enabled admin: demoting, disabling or deleting the last one. */
export function lastAdmin(): AppError {
  return new AppError({
    code: 'last_admin',
    status: 409,
    title: 'Last admin',
    detail: 'This is the last enabled admin: make another account an admin first.',
  });
}
