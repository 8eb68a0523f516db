import { unauthorized, upstreamUnavailable } from '@zerochat/runtime';
import { errors, jwtVerify } from 'jose';
import { eventSenderForbidden } from '../problems.ts';
import { bearerToken, type EventSenderVerifier } from './event-senders.ts';
import type { OidcIssuer } from './oidc-issuer.ts';

export interface OidcSenderOptions {
  /** The issuer and its keys (the cluster's OIDC discovery). */
  issuer: () => Promise<OidcIssuer>;
  /** The audience the Triggers that deliver here ask their tokens for (`subscriber.audience`). */
  audience: string;
  /**
   * The `sub`s accepted: the service accounts Eventing sends those Triggers' deliveries as
   * (`system:serviceaccount:<namespace>:<trigger>-oidc-eventing.knative.dev-trigger`).
   */
  subjects: readonly string[];
  now?: () => Date;
}

/** Leeway for clocks that disagree a little, for `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** What a token that does not hold lacks, in words; never the token itself. */
function whyRefused(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token's "${error.claim}" claim is not accepted here (${error.reason}).`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return "The token is not signed by one of the cluster's service-account keys.";
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return 'The credential is not a signed JWT this function can verify.';
  }
  return undefined;
}

/**
 * Knative Eventing's sender identity (`authentication-oidc`): every delivery carries a
 * Kubernetes service-account token that Eventing requested for the subscriber's audience.
 * Accepted when the cluster's issuer signed it, for this audience, not expired, and for one of
 * the Triggers' service accounts. The `sub` check is what keeps out a pod that mounts a
 * projected token for the same audience: any pod may ask for one, only Eventing holds these
 * service accounts. A bad token is 401, the wrong sender 403, an unreadable issuer 503.
 */
export function oidcSenderVerifier(options: OidcSenderOptions): EventSenderVerifier {
  const subjects = new Set(options.subjects);
  const now = options.now ?? (() => new Date());
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    let issuer: OidcIssuer;
    try {
      issuer = await options.issuer();
    } catch (error) {
      throw upstreamUnavailable("The cluster's OIDC discovery could not be read; the event can be sent again.", error);
    }
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.issuer,
        audience: options.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now(),
      });
      subject = payload.sub;
    } catch (error) {
      const why = whyRefused(error);
      if (why) throw unauthorized('event_sender_unauthenticated', why);
      throw upstreamUnavailable("The cluster's OIDC keys could not be read; the event can be sent again.", error);
    }
    if (!subject || !subjects.has(subject)) {
      throw eventSenderForbidden(subject ?? '');
    }
    return { method: 'oidc', subject };
  };
}
