import { createHash, timingSafeEqual } from 'node:crypto';
import { type AppError, unauthorized } from '@zerochat/runtime';

/** Who sent a CloudEvent, as its request proves it. */
export interface EventSender {
  /**
   * How it was proven: the shared secret (compose, npm start), Knative Eventing's OIDC token
   * (ADMIN_EVENTS_AUTH=oidc), or nothing (ADMIN_EVENTS_AUTH=none).
   */
  method: 'secret' | 'oidc' | 'none';
  /** The OIDC token's `sub`: the service account Eventing delivered as. */
  subject?: string;
}

/**
 * One way to prove a sender: looks at the request's `Authorization` header and answers the
 * sender when it proves one, undefined when the header is not its kind of credential, and
 * throws when it is but does not hold. Each deployment names the ways it accepts
 * (ADMIN_EVENTS_AUTH); Knative Eventing's OIDC tokens are one (oidc-sender.ts).
 */
export type EventSenderVerifier = (authorization: string | undefined) => Promise<EventSender | undefined>;

const BEARER = /^Bearer[ ]+(.+)$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  BEARER.exec(authorization?.trim() ?? '')?.[1];

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <ADMIN_EVENTS_SECRET>`, compared in constant time. */
export function sharedSecretVerifier(secret: string): EventSenderVerifier {
  const expected = digest(secret);
  return async (authorization) => {
    const presented = bearerToken(authorization);
    if (presented === undefined) return undefined;
    if (!timingSafeEqual(digest(presented), expected)) {
      throw eventSenderRefused('The credential is not the events secret.');
    }
    return { method: 'secret' };
  };
}

/** Anyone who reaches the route: for a deployment that keeps it unreachable by other means. */
export const unauthenticatedSender: EventSenderVerifier = async () => ({ method: 'none' });

/** The first verifier that recognises the request's credential decides; none: 401. */
export async function authenticateEventSender(
  verifiers: readonly EventSenderVerifier[],
  authorization: string | undefined,
): Promise<EventSender> {
  for (const verify of verifiers) {
    const sender = await verify(authorization);
    if (sender) return sender;
  }
  throw eventSenderRefused(
    authorization
      ? 'The credential is not one this function accepts.'
      : 'Send the events credential: "Authorization: Bearer <token>".',
  );
}

function eventSenderRefused(detail: string): AppError {
  return unauthorized('event_sender_unauthenticated', detail);
}
