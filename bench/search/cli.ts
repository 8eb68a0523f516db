#!/usr/bin/env node
// The search benchmark: latency of search for one user with many messages.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stopServicesOnSignals } from '@zerochat/local-services';
import { benchArgs, wholeNumber } from '../cli-args.ts';
import { renderSearchMarkdown } from './render.ts';
import { runSearchBenchmark } from './run-search.ts';

const USAGE = `npm run bench:search -- [--messages N] [--conversations N] [--repeats N] [--out DIR]
Latency of search for one user with many messages, on FerretDB (or MONGODB_URI). Prints a
Markdown table on stdout, progress on stderr, and writes search.json and search.md into --out
(default bench/results).`;

const values = benchArgs(USAGE, {
  messages: { type: 'string', default: '10000' },
  conversations: { type: 'string', default: '200' },
  repeats: { type: 'string', default: '20' },
  out: { type: 'string', default: resolve(import.meta.dirname, '../results') },
});
const whole = (name: string, text: string) => wholeNumber(USAGE, name, text);

// Ctrl-C stops FerretDB and Ollama too, not only this process.
stopServicesOnSignals();

const report = await runSearchBenchmark({
  messages: whole('messages', values.messages),
  conversations: whole('conversations', values.conversations),
  repeats: whole('repeats', values.repeats),
  progress: (line) => process.stderr.write(`${line}\n`),
});
const markdown = renderSearchMarkdown(report);
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, 'search.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(values.out, 'search.md'), markdown);
process.stdout.write(markdown);
