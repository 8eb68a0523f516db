import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudEvent, emitterFor, HTTP, type Message, Mode, type TransportFunction } from 'cloudevents';
import { describeFailure } from './bootstrap/failure.ts';
import { BOOTSTRAP_REQUESTED } from './events/event-types.ts';

/** The sink refused the event, or answered something other than success. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly status: number;

  constructor(status: number, body: string) {
    super(`the sink answered ${status}${body ? `: ${body.slice(0, 500)}` : ''}`);
    this.status = status;
  }
}

export interface Delivery {
  status: number;
  /** The reply event, when the sink answered with one (the admin function does; a Broker does not). */
  reply: CloudEvent<unknown> | undefined;
}

/**
 * A transport for the SDK's emitter that POSTs with fetch and fails on any status but 2xx.
 * (The SDK's own httpTransport resolves for every status, so a 500 would pass as delivered.)
 */
export function fetchTransport(
  sink: string,
  options: { fetch?: typeof fetch; timeoutMs: number; credential?: Credential | undefined },
): TransportFunction {
  const doFetch = options.fetch ?? fetch;
  return async (message: Message) => {
    const credential = typeof options.credential === 'function' ? await options.credential() : options.credential;
    const authorization = credential ? { authorization: `Bearer ${credential}` } : {};
    const response = await doFetch(sink, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...authorization },
      body: message.body as string,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await response.text();
    if (!response.ok) throw new DeliveryError(response.status, body);
    return { status: response.status, headers: Object.fromEntries(response.headers), body };
  };
}

/**
 * A bearer token, or where to read one at each attempt: a token that its issuer renews (the OIDC
 * token a SinkBinding mounts) is read fresh every time. Undefined: no Authorization header.
 */
export type Credential = string | (() => Promise<string | undefined>);

/** Where a Knative SinkBinding mounts the OIDC token its subject presents to the sink. */
export const SINK_BINDING_TOKEN_FILE = '/oidc/token';

/** The token in `path`, read at each call; undefined while there is no such file. */
export function tokenFile(path: string): () => Promise<string | undefined> {
  return async () => {
    try {
      return (await readFile(path, 'utf8')).trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

export interface SendBootstrapOptions {
  /** Where to send it: a Broker (K_SINK under a SinkBinding) or the admin function's /admin/events. */
  sink: string;
  source: string;
  /**
   * Presented as a bearer token: the admin function's ADMIN_EVENTS_SECRET, or the Knative
   * Eventing OIDC token a SinkBinding mounts (for the Broker, which checks it).
   */
  credential?: Credential | undefined;
  mode?: 'binary' | 'structured';
  fetch?: typeof fetch;
  /** Bound for one attempt; a bootstrap that pulls the base model takes minutes. */
  timeoutMs?: number;
  attempts?: number;
  retryDelayMs?: number;
  /** Progress lines for a person or a Job's log. */
  report?: (line: string) => void;
}

/** Statuses worth another try: the sink is starting, overloaded, or a step failed for now. */
const retryable = (error: unknown) => !(error instanceof DeliveryError) || error.status >= 500 || error.status === 429;

/**
 * Sends one `dev.zerochat.admin.bootstrap.requested` event with the CloudEvents SDK's
 * emitter. Every attempt carries the same id, so the admin function runs a bootstrap once
 * even if an answer was lost and the event arrives twice.
 */
export async function sendBootstrapEvent(options: SendBootstrapOptions): Promise<Delivery> {
  const report = options.report ?? (() => {});
  const attempts = options.attempts ?? 10;
  const event = new CloudEvent({
    specversion: '1.0',
    type: BOOTSTRAP_REQUESTED,
    source: options.source,
    id: randomUUID(),
    datacontenttype: 'application/json',
    data: { requestedAt: new Date().toISOString() },
  });
  const emit = emitterFor(fetchTransport(options.sink, { ...options, timeoutMs: options.timeoutMs ?? 900_000 }), {
    mode: options.mode === 'structured' ? Mode.STRUCTURED : Mode.BINARY,
  });
  for (let attempt = 1; ; attempt++) {
    report(
      `sending ${event.type} ${event.id} from ${event.source} to ${options.sink} (attempt ${attempt} of ${attempts})`,
    );
    try {
      const answer = (await emit(event)) as { status: number; headers: Record<string, string>; body: string };
      const reply = answer.headers['ce-id']
        ? (HTTP.toEvent({ headers: answer.headers, body: answer.body }) as CloudEvent<unknown>)
        : undefined;
      return { status: answer.status, reply };
    } catch (error) {
      const why = error instanceof DeliveryError ? error.message : describeFailure(error);
      if (attempt >= attempts || !retryable(error)) throw error;
      report(`not delivered (${why}); trying again in ${(options.retryDelayMs ?? 5000) / 1000} s`);
      await sleep(options.retryDelayMs ?? 5000);
    }
  }
}
