import { createHash } from 'node:crypto';
import type { FieldError } from '@zerochat/runtime';
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { malformedEvent } from '../problems.ts';
import {
  ADMIN_EVENT_SOURCE,
  BOOTSTRAP_COMPLETED,
  BOOTSTRAP_REQUESTED,
  PING,
  RECONCILE_PING_SOURCE,
} from './event-types.ts';

/** The `source` Knative gives the ticks of the reconcile PingSource in `namespace`. */
export function reconcilePingSource(namespace: string): string {
  return `/apis/v1/namespaces/${namespace}/pingsources/${RECONCILE_PING_SOURCE}`;
}

/** Whether an event asks for a bootstrap; anything else is not for the admin function. */
export function requestsBootstrap(event: Pick<CloudEvent, 'type' | 'source'>, namespace: string): boolean {
  return event.type === BOOTSTRAP_REQUESTED || (event.type === PING && event.source === reconcilePingSource(namespace));
}

type Headers = Record<string, string>;

const STRUCTURED = /^application\/cloudevents\+json\s*(;|$)/i;
const BATCH = /^application\/cloudevents-batch\+json\s*(;|$)/i;

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The SDK turns a `time` it cannot read into an invalid Date rather than refusing it. */
const isTimestamp = (value: unknown) =>
  typeof value === 'string' && RFC_3339.test(value) && !Number.isNaN(Date.parse(value));

function parseJson(text: string, where: FieldError['in']): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw malformedEvent([{ in: where, pointer: '', detail: 'Not valid JSON.' }]);
  }
}

/**
 * The CloudEvent in an HTTP request, in binary or structured mode (CloudEvents 1.0 HTTP
 * binding), parsed by the SDK. The SDK fills in what a sender left out (a random id, the
 * spec version); such an event is malformed here, since a made-up id defeats deduplication.
 */
export function readCloudEvent(headers: Headers, body: string): CloudEvent<unknown> {
  const contentType = headers['content-type'] ?? '';
  if (BATCH.test(contentType)) {
    throw malformedEvent([{ in: 'header', pointer: '/content-type', detail: 'Batched mode is not supported.' }]);
  }
  const structured = STRUCTURED.test(contentType);
  const where: FieldError['in'] = structured ? 'body' : 'header';
  const missing: FieldError[] = [];
  let parsedBody: unknown;
  if (structured) {
    parsedBody = parseJson(body, 'body');
    if (!parsedBody || typeof parsedBody !== 'object' || Array.isArray(parsedBody)) {
      throw malformedEvent([{ in: 'body', pointer: '', detail: 'A structured CloudEvent is a JSON object.' }]);
    }
    const attributes = parsedBody as Record<string, unknown>;
    for (const attribute of REQUIRED) {
      const value = attributes[attribute];
      if (typeof value !== 'string' || value === '') {
        missing.push({ in: 'body', pointer: `/${attribute}`, detail: 'Required: a non-empty string.' });
      }
    }
    if (attributes.time !== undefined && !isTimestamp(attributes.time)) {
      missing.push({ in: 'body', pointer: '/time', detail: 'Must be an RFC 3339 timestamp.' });
    }
  } else {
    if (!Object.keys(headers).some((name) => name.startsWith('ce-'))) {
      throw malformedEvent([
        {
          in: 'header',
          pointer: '',
          detail: 'Not a CloudEvent: no ce-* headers (binary mode) and not application/cloudevents+json (structured).',
        },
      ]);
    }
    for (const attribute of REQUIRED) {
      if (!headers[`ce-${attribute}`]) missing.push({ in: 'header', pointer: `/ce-${attribute}`, detail: 'Required.' });
    }
    if (headers['ce-time'] !== undefined && !isTimestamp(headers['ce-time'])) {
      missing.push({ in: 'header', pointer: '/ce-time', detail: 'Must be an RFC 3339 timestamp.' });
    }
    parsedBody = body ? parseJson(body, 'body') : undefined;
  }
  if (missing.length) throw malformedEvent(missing);
  const specversion = structured ? (parsedBody as { specversion?: unknown }).specversion : headers['ce-specversion'];
  if (specversion !== '1.0') {
    const pointer = structured ? '/specversion' : '/ce-specversion';
    throw malformedEvent([{ in: where, pointer, detail: 'Only CloudEvents 1.0 is supported.' }]);
  }

  try {
    // The SDK picks its parser by the exact content type; the body is parsed already anyway.
    const sdkHeaders = structured ? { ...headers, 'content-type': 'application/cloudevents+json' } : headers;
    const event = HTTP.toEvent({ headers: sdkHeaders, body: parsedBody });
    if (!(event instanceof CloudEvent)) throw new ValidationError('not a single event');
    event.validate();
    assertAttributeSizes(event, structured);
    return event as CloudEvent<unknown>;
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof TypeError)) throw error;
    const details = (error instanceof ValidationError ? error.errors : []) as Array<{
      instancePath?: string;
      message?: string;
    }>;
    throw malformedEvent(
      details.length
        ? details.map((detail) => ({
            in: where,
            pointer: structured ? (detail.instancePath ?? '') : `/ce-${(detail.instancePath ?? '').slice(1)}`,
            detail: detail.message ?? 'Invalid.',
          }))
        : [{ in: where, pointer: '', detail: error.message.split('\n')[0] ?? 'Invalid.' }],
    );
  }
}

/** Attributes are echoed (the reply's subject, the report, the log): none may be longer than this. */
export const MAX_ATTRIBUTE_LENGTH = 256;

function assertAttributeSizes(event: CloudEvent<unknown>, structured: boolean): void {
  const oversized = Object.entries(event)
    .filter(([name, value]) => name !== 'data' && name !== 'data_base64' && typeof value === 'string')
    .filter(([, value]) => (value as string).length > MAX_ATTRIBUTE_LENGTH)
    .map(([name]) => ({
      in: structured ? ('body' as const) : ('header' as const),
      pointer: structured ? `/${name}` : `/ce-${name}`,
      detail: `At most ${MAX_ATTRIBUTE_LENGTH} characters.`,
    }));
  if (oversized.length) throw malformedEvent(oversized);
}

/** The same request always gets a reply with the same id, so a redelivered reply is a duplicate too. */
function replyId(source: string, id: string): string {
  return createHash('sha256').update(`${source}\n${id}`).digest('hex').slice(0, 32);
}

/** The reply to a bootstrap request, in binary mode: `ce-*` headers and the report as JSON. */
export function bootstrapCompleted(
  request: { source: string; id: string },
  report: Record<string, unknown>,
  time: Date,
): { headers: Headers; body: string } {
  const event = new CloudEvent({
    specversion: '1.0',
    type: BOOTSTRAP_COMPLETED,
    source: ADMIN_EVENT_SOURCE,
    id: replyId(request.source, request.id),
    time: time.toISOString(),
    subject: request.id,
    datacontenttype: 'application/json',
    data: report,
  });
  const message = HTTP.binary(event);
  return { headers: message.headers as Headers, body: String(message.body) };
}
