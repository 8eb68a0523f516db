#!/usr/bin/env node
// The load benchmark: chat's read and stream paths under load beside their baselines.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stopServicesOnSignals } from '@zerochat/local-services';
import { benchArgs, usageError, wholeNumber } from '../cli-args.ts';
import { renderLoadMarkdown, renderLoadTable } from './report/render.ts';
import { LOAD_PARTS, type LoadPart, runLoadBenchmark } from './run-load.ts';

const USAGE = `npm run bench:load -- [--duration SECONDS] [--rounds N] [--read-connections N] [--stream-connections N]
  [--tokens N] [--real-model-replies N] [--probe-tokens N] [--probe-connections N] [--only PARTS]
  [--compare-bundle PATH] [--out DIR] [--json | --md]
PARTS: a comma-separated list of read, stream, real-model, replies. --compare-bundle: another
build's chat dist/server.js, measured beside this one's for an A/B in one run.
Prints a table on stdout (or, with --json/--md, that format instead), progress on stderr, and
writes load.json and load.md into --out (default bench/results). Uses MONGODB_URI and
OLLAMA_HOST when set, else starts FerretDB and Ollama as the tests do.`;

const values = benchArgs(USAGE, {
  duration: { type: 'string', default: '5' },
  rounds: { type: 'string', default: '3' },
  'read-connections': { type: 'string', default: '16' },
  'stream-connections': { type: 'string', default: '8' },
  tokens: { type: 'string', default: '16' },
  'real-model-replies': { type: 'string', default: '4' },
  'probe-tokens': { type: 'string', default: '1024' },
  'probe-connections': { type: 'string', default: '1' },
  only: { type: 'string' },
  'compare-bundle': { type: 'string' },
  out: { type: 'string', default: resolve(import.meta.dirname, '../results') },
  json: { type: 'boolean', default: false },
  md: { type: 'boolean', default: false },
});
const whole = (name: string, text: string) => wholeNumber(USAGE, name, text);

function parts(text: string): Set<LoadPart> {
  const named = text.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(LOAD_PARTS as readonly string[]).includes(part));
  if (unknown.length) usageError(USAGE, `--only takes ${LOAD_PARTS.join(', ')}; not ${unknown.join(', ')}`);
  return new Set(named as LoadPart[]);
}

// Ctrl-C stops FerretDB and Ollama too, not only this process.
stopServicesOnSignals();

const report = await runLoadBenchmark({
  durationSeconds: whole('duration', values.duration),
  rounds: whole('rounds', values.rounds),
  readConnections: whole('read-connections', values['read-connections']),
  streamConnections: whole('stream-connections', values['stream-connections']),
  replyTokens: whole('tokens', values.tokens),
  realModelReplies: whole('real-model-replies', values['real-model-replies']),
  probeTokens: whole('probe-tokens', values['probe-tokens']),
  probeConnections: whole('probe-connections', values['probe-connections']),
  ...(values.only ? { only: parts(values.only) } : {}),
  ...(values['compare-bundle'] ? { compareBundle: resolve(values['compare-bundle']) } : {}),
  progress: (line) => process.stderr.write(`${line}\n`),
});
const outputs = { json: `${JSON.stringify(report, null, 2)}\n`, md: renderLoadMarkdown(report) };
await mkdir(values.out, { recursive: true });
for (const [extension, text] of Object.entries(outputs)) {
  const path = join(values.out, `load.${extension}`);
  await writeFile(path, text);
  process.stderr.write(`wrote ${path}\n`);
}
const chosen = (['json', 'md'] as const).find((format) => values[format]);
process.stdout.write(chosen ? outputs[chosen] : renderLoadTable(report));
