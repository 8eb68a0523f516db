import { createRoute, z } from '@hono/zod-openapi';
import { isDuplicateKey } from '@zerochat/data';
import type { FunctionApp } from '@zerochat/runtime';
import { ProblemSchema, problem } from '@zerochat/runtime';
import type { AdminContext } from '../admin-context.ts';
import type { BootstrapReport } from '../bootstrap/bootstrap.ts';
import { bootstrapCompleted, readCloudEvent, requestsBootstrap } from '../events/cloud-events.ts';
import { authenticateEventSender, type EventSender } from '../events/event-senders.ts';
import { BOOTSTRAP_COMPLETED, BOOTSTRAP_REQUESTED, PING } from '../events/event-types.ts';
import { bootstrapFailed, eventSourceRefused } from '../problems.ts';
import { BootstrapFailedSchema, BootstrapReportSchema } from './schemas.ts';

const receive = createRoute({
  method: 'post',
  path: '/admin/events',
  tags: ['events'],
  summary: 'Receive a CloudEvent from an authenticated sender (never routed by Kong)',
  security: [{ eventSender: [] }],
  description: `CloudEvents 1.0 over HTTP, binary mode (\`ce-*\` headers, JSON data) or structured mode (\`application/cloudevents+json\`). \`${BOOTSTRAP_REQUESTED}\`, and \`${PING}\` from the reconcile PingSource, run the bootstrap; the answer is a \`${BOOTSTRAP_COMPLETED}\` CloudEvent in binary mode whose data is the report. A repeat of an event (same \`source\` and \`id\`) gets the same answer without running again. Other types are acknowledged with 202 and logged, not handled.`,
  responses: {
    200: {
      description: `Done (or done before): a \`${BOOTSTRAP_COMPLETED}\` CloudEvent in binary mode`,
      headers: z.object({
        'ce-type': z.literal(BOOTSTRAP_COMPLETED),
        'ce-source': z.string(),
        'ce-id': z.string(),
        'ce-subject': z.string().describe('The id of the event this answers.'),
      }),
      content: { 'application/json': { schema: BootstrapReportSchema } },
    },
    202: { description: 'Not an event this function handles: acknowledged (so not redelivered), logged and counted' },
    400: problem('Not a CloudEvent 1.0, or an attribute over 256 characters (malformed_event)'),
    401: problem('No sender credential, or not one this function accepts (event_sender_unauthenticated)'),
    403: problem(
      'A sender whose token is valid but not one of ADMIN_EVENTS_OIDC_SUBJECTS (event_sender_refused), or a bootstrap request from a source not in ADMIN_EVENT_SOURCES (event_source_refused)',
    ),
    413: problem('Body too large'),
    415: problem('Data that is not JSON'),
    503: {
      description:
        "A step failed (bootstrap_failed; the report says which and why), or the cluster's OIDC issuer could not be read (upstream_unavailable); the Broker retries either",
      content: { 'application/problem+json': { schema: z.union([BootstrapFailedSchema, ProblemSchema]) } },
    },
  },
});

type EventOutcome = 'completed' | 'duplicate' | 'failed' | 'ignored' | 'malformed' | 'unauthenticated' | 'refused';

export function addEventRoutes(app: FunctionApp, services: AdminContext): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'eventSender', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The events credential: ADMIN_EVENTS_SECRET (with ADMIN_EVENTS_AUTH=secret), or Knative Eventing's OIDC token for ADMIN_EVENTS_OIDC_AUDIENCE (with ADMIN_EVENTS_AUTH=oidc).",
    bearerFormat: 'JWT with ADMIN_EVENTS_AUTH=oidc',
  });
  const events = services.metrics.counter(
    'zerochat_admin_events_total',
    'CloudEvents received at /admin/events, by type and outcome.',
  );
  // Type as a label only for the known ones: anyone in the cluster can send any type.
  const count = (type: string, outcome: EventOutcome) =>
    events.inc({ type: type === BOOTSTRAP_REQUESTED || type === PING ? type : 'other', outcome });

  app.openapi(receive, async (c) => {
    // Who sent it first: nothing of an unauthenticated request is read, let alone run.
    let sender: EventSender;
    try {
      sender = await authenticateEventSender(services.eventSenders, c.req.header('authorization'));
    } catch (error) {
      count('other', 'unauthenticated');
      throw error;
    }
    const headers = Object.fromEntries(c.req.raw.headers);
    let event: ReturnType<typeof readCloudEvent>;
    try {
      event = readCloudEvent(headers, await c.req.text());
    } catch (error) {
      count('other', 'malformed');
      throw error;
    }
    // Who sent what, for the audit trail: the service account on Knative, else how it was proven.
    const log = c.get('log').child({ sender: sender.subject ?? sender.method });
    const { type, source, id } = event;
    if (!requestsBootstrap(event, services.namespace)) {
      log.warn('CloudEvent not handled here: acknowledged and dropped', { type, source, id });
      count(type, 'ignored');
      return c.body(null, 202);
    }
    if (type === BOOTSTRAP_REQUESTED && !services.eventSources.includes(source)) {
      log.warn('bootstrap request from a source not in ADMIN_EVENT_SOURCES: refused', { source, id });
      count(type, 'refused');
      throw eventSourceRefused(source);
    }

    const key = JSON.stringify([source, id]);
    const reply = (report: BootstrapReport | Record<string, unknown>) => {
      const message = bootstrapCompleted({ source, id }, report as Record<string, unknown>, services.now());
      return c.body(message.body, 200, message.headers);
    };
    const processed = await services.processedEvents.findOne({ _id: key });
    if (processed) {
      log.info('CloudEvent handled before: answering as then', { type, source, id, at: processed.at });
      count(type, 'duplicate');
      return reply(processed.result);
    }

    log.info('bootstrap requested by CloudEvent', { type, source, id });
    const report = await services.bootstrap.run({ kind: 'event', type, source, id });
    if (report.status === 'failed') {
      // Not recorded: the Broker's retry runs the bootstrap again.
      count(type, 'failed');
      throw bootstrapFailed(report);
    }
    try {
      await services.processedEvents.insertOne({ _id: key, type, at: services.now(), result: { ...report } });
    } catch (error) {
      // A concurrent delivery of the same event got there first; its run was this one.
      if (!isDuplicateKey(error)) throw error;
    }
    count(type, 'completed');
    return reply(report);
  });
}
