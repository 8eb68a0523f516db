#!/usr/bin/env node
// Sends the bootstrap CloudEvent: npm run bootstrap -- --sink URL (or K_SINK, which a Knative
// SinkBinding sets). Exits 0 once the sink accepted it, 1 when it did not after the retries.
import { parseArgs } from 'node:util';
import { describeFailure } from '../src/bootstrap/failure.ts';
import { DeliveryError, SINK_BINDING_TOKEN_FILE, sendBootstrapEvent, tokenFile } from '../src/bootstrap-sender.ts';

const USAGE = `usage: npm run bootstrap -- [--sink URL] [options]
  --sink URL           where to send the event: a Knative Broker, or the admin function's
                       /admin/events (default: $K_SINK, set by a SinkBinding)
  --source URI         the event's source (default: $BOOTSTRAP_EVENT_SOURCE or /zerochat/bootstrap)
  --structured         structured mode (application/cloudevents+json) instead of binary mode
  --timeout SECONDS    how long one attempt may take (default 900: a first bootstrap pulls a model)
  --attempts N         tries before giving up (default 10)
  --retry-delay SECONDS  between tries (default 5)
  --token-file PATH    a bearer token to present, read at each attempt, when the file exists
                       (default /oidc/token: where a SinkBinding mounts Knative Eventing's
                       OIDC token for the Broker)
The admin function's events secret is presented from $ADMIN_EVENTS_SECRET when it is set,
instead of the token file.`;

const write = (line: string) => process.stdout.write(`${line}\n`);
function fail(message: string): never {
  process.stderr.write(`send-bootstrap-event: ${message}\n`);
  process.exit(1);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        sink: { type: 'string' },
        source: { type: 'string' },
        structured: { type: 'boolean' },
        timeout: { type: 'string', default: '900' },
        attempts: { type: 'string', default: '10' },
        'retry-delay': { type: 'string', default: '5' },
        'token-file': { type: 'string', default: SINK_BINDING_TOKEN_FILE },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  write(USAGE);
  process.exit(0);
}

const sink = values.sink ?? process.env.K_SINK;
if (!sink) fail(`no sink: pass --sink URL, or run under a Knative SinkBinding (K_SINK)\n${USAGE}`);
if (!URL.canParse(sink) || !/^https?:$/.test(new URL(sink).protocol)) fail(`--sink: ${sink} is not an http(s) URL`);
const number = (name: string, value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) fail(`--${name} must be a positive number`);
  return parsed;
};

try {
  const delivery = await sendBootstrapEvent({
    sink,
    source: values.source ?? process.env.BOOTSTRAP_EVENT_SOURCE ?? '/zerochat/bootstrap',
    credential: process.env.ADMIN_EVENTS_SECRET || tokenFile(values['token-file']),
    mode: values.structured ? 'structured' : 'binary',
    timeoutMs: number('timeout', values.timeout) * 1000,
    attempts: Math.floor(number('attempts', values.attempts)),
    retryDelayMs: number('retry-delay', values['retry-delay']) * 1000,
    report: (line) => write(`send-bootstrap-event: ${line}`),
  });
  write(`send-bootstrap-event: accepted (${delivery.status})`);
  const report = delivery.reply?.data as
    | { status: string; durationMs: number; steps: Array<{ step: string; outcome: string; reason: string }> }
    | undefined;
  if (report) {
    for (const step of report.steps) write(`  ${step.step.padEnd(16)} ${step.outcome.padEnd(8)} ${step.reason}`);
    write(`bootstrap ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s`);
  }
} catch (error) {
  fail(error instanceof DeliveryError ? error.message : `not delivered: ${describeFailure(error)}`);
}
