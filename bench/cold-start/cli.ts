#!/usr/bin/env node
// The cold-start benchmark: each function from nothing to its first real answer, beside a bare
// Node server and the Knative Functions runtime.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stopServicesOnSignals } from '@zerochat/local-services';
import { benchArgs, usageError, wholeNumber } from '../cli-args.ts';
import { buildReport } from './report/build-report.ts';
import { renderMarkdown } from './report/markdown.ts';
import { renderSvg } from './report/svg.ts';
import { renderTable } from './report/table.ts';
import { runLocalBenchmark } from './run-local.ts';

const USAGE = `npm run bench:cold-start -- [--target local|knative] [--runs N] [--functions auth,chat,admin,web]
  [--idle SECONDS] [--compare DIR] [--out DIR] [--json | --md | --svg]
local only: --idle also records each process's resident memory after SECONDS without requests;
--compare measures another build's bundles (DIR/<function>/server.js) beside this build's,
alternating, as "<function> (compare)": an A/B in one run.
knative only: --url KONG_PROXY_URL [--namespace zerochat] [--scale-down-window 6s], with an
admin account in ZEROCHAT_EMAIL and ZEROCHAT_PASSWORD.
Prints a table on stdout (or, with --json/--md/--svg, that format instead), progress on
stderr, and writes cold-start.json, .md and .svg into --out (default bench/results).`;

const values = benchArgs(USAGE, {
  target: { type: 'string', default: 'local' },
  runs: { type: 'string', default: '20' },
  functions: { type: 'string', default: 'auth,chat,admin,web' },
  idle: { type: 'string', default: '0' },
  compare: { type: 'string' },
  out: { type: 'string', default: resolve(import.meta.dirname, '../results') },
  json: { type: 'boolean', default: false },
  md: { type: 'boolean', default: false },
  svg: { type: 'boolean', default: false },
  url: { type: 'string' },
  namespace: { type: 'string', default: 'zerochat' },
  'scale-down-window': { type: 'string' },
});

const progress = (line: string) => process.stderr.write(`${line}\n`);
const runs = wholeNumber(USAGE, 'runs', values.runs);
const functions = values.functions.split(',').filter(Boolean);
const idleSeconds = Number(values.idle);
if (!Number.isFinite(idleSeconds) || idleSeconds < 0)
  usageError(USAGE, '--idle must be a number of seconds, 0 or more');

const target = values.target;
if (target !== 'local' && target !== 'knative') usageError(USAGE, `--target must be local or knative, not ${target}`);

// Ctrl-C stops FerretDB and Ollama too, not only this process.
stopServicesOnSignals();

async function measure() {
  if (target === 'local') {
    return runLocalBenchmark({
      runs,
      functions,
      idleMs: idleSeconds * 1000,
      ...(values.compare ? { compareDir: resolve(values.compare) } : {}),
      progress,
    });
  }
  const { email = '', password = '' } = { email: process.env.ZEROCHAT_EMAIL, password: process.env.ZEROCHAT_PASSWORD };
  if (!values.url || !email || !password) {
    usageError(USAGE, '--target knative needs --url (Kong proxy) and ZEROCHAT_EMAIL/ZEROCHAT_PASSWORD of an admin');
  }
  // Loaded only here: @kubernetes/client-node is large and the local target does not need it.
  const { connectCluster } = await import('./knative/cluster.ts');
  const { runKnativeBenchmark } = await import('./knative/run-knative.ts');
  return runKnativeBenchmark({
    runs,
    functions,
    namespace: values.namespace,
    gatewayUrl: values.url.replace(/\/$/, ''),
    email,
    password,
    ...(values['scale-down-window'] ? { scaleDownWindow: values['scale-down-window'] } : {}),
    cluster: await connectCluster(),
    progress,
  });
}
const measured = await measure();

const report = buildReport({ target, runs, ...measured });
const outputs = { json: `${JSON.stringify(report, null, 2)}\n`, md: renderMarkdown(report), svg: renderSvg(report) };
await mkdir(values.out, { recursive: true });
for (const [extension, text] of Object.entries(outputs)) {
  const path = join(values.out, `cold-start.${extension}`);
  await writeFile(path, text);
  progress(`wrote ${path}`);
}
const chosen = (['json', 'md', 'svg'] as const).find((format) => values[format]);
process.stdout.write(chosen ? outputs[chosen] : renderTable(report));
