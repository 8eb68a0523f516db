#!/usr/bin/env node
// The page's first load in Chromium, on localhost against `npm start`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stopServicesOnSignals } from '@zerochat/local-services';
import { launchChromium } from '../../test/support/chromium.ts';
import { apiClient } from '../../test/support/http-client.ts';
import { startStandaloneZerochat } from '../../test/support/standalone-zerochat.ts';
import { benchArgs, wholeNumber } from '../cli-args.ts';
import { summarize } from '../cold-start/statistics.ts';
import { describeMachine } from '../report/machine.ts';
import { renderMarkdownTable, renderTextTable, type Table } from '../report/tables.ts';
import { measurePageLoad, type PageLoadSample } from './measure-page.ts';

const USAGE = `npm run bench:page -- [--runs N] [--conversations N] [--out DIR]
The page's first load in Chromium, on localhost against \`npm start\` (with FerretDB and
Ollama started as the tests start them): bytes on the wire by kind, and the time to the
first paint and to the painted conversation list, signed in (the refresh cookie), for a
first visit (cache off) and a repeat visit (hashed files from the cache). Prints a table;
writes page-load.json and page-load.md into --out (default bench/results).`;

const values = benchArgs(USAGE, {
  runs: { type: 'string', default: '10' },
  conversations: { type: 'string', default: '30' },
  out: { type: 'string', default: resolve(import.meta.dirname, '../results') },
});
const runs = wholeNumber(USAGE, 'runs', values.runs);
const conversations = wholeNumber(USAGE, 'conversations', values.conversations);

// Ctrl-C stops FerretDB and Ollama too, not only this process.
stopServicesOnSignals();
const progress = (line: string) => process.stderr.write(`${line}\n`);

const zerochat = await startStandaloneZerochat({ report: progress });
const chromium = await launchChromium();
const samples: Record<'first visit' | 'repeat visit', PageLoadSample[]> = { 'first visit': [], 'repeat visit': [] };
try {
  const api = apiClient(zerochat.baseUrl);
  for (let index = 1; index <= conversations; index++) {
    await api.json('POST', '/chat/conversations', {
      token: zerochat.adminToken,
      body: { title: `Conversation ${index}` },
    });
  }
  const context = await chromium.newContext();
  const signIn = await context.newPage();
  await signIn.goto(`${zerochat.baseUrl}/`);
  await signIn.getByLabel('Email').fill(zerochat.admin.email);
  await signIn.getByLabel('Password').fill(zerochat.admin.password);
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await signIn.locator('.conversation-list li').first().waitFor();
  await signIn.close();
  for (let run = 1; run <= runs; run++) {
    for (const [visit, cold] of [
      ['first visit', true],
      ['repeat visit', false],
    ] as const) {
      const sample = await measurePageLoad(context, `${zerochat.baseUrl}/`, cold);
      samples[visit].push(sample);
      progress(
        `run ${run}/${runs} ${visit}: list painted at ${sample.listPaintedMs.toFixed(0)} ms, ${sample.bytes.total} B`,
      );
    }
  }
} finally {
  await chromium.close();
  await zerochat.stop();
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(0);
const table: Table = {
  title: `The page's load in Chromium on localhost, signed in with ${conversations} conversations: medians of ${runs} runs (KB on the wire, ms)`,
  header: ['visit', 'HTML KB', 'JS KB', 'CSS KB', 'API KB', 'total KB', 'first paint', 'list painted', 'list p90'],
  firstNumberColumn: 1,
  rows: Object.entries(samples).map(([visit, list]) => {
    const median = (pick: (sample: PageLoadSample) => number) => summarize(list.map(pick)).median;
    return [
      visit,
      kb(median((s) => s.bytes.document)),
      kb(median((s) => s.bytes.script)),
      kb(median((s) => s.bytes.stylesheet)),
      kb(median((s) => s.bytes.api)),
      kb(median((s) => s.bytes.total)),
      ms(median((s) => s.firstPaintMs)),
      ms(median((s) => s.listPaintedMs)),
      ms(summarize(list.map((s) => s.listPaintedMs)).p90),
    ];
  }),
};
const machine = describeMachine();
await mkdir(values.out, { recursive: true });
await writeFile(
  join(values.out, 'page-load.json'),
  `${JSON.stringify({ schema: 'zerochat/bench/page-load@1', runs, conversations, machine, samples }, null, 2)}\n`,
);
await writeFile(
  join(values.out, 'page-load.md'),
  renderMarkdownTable(table, [`${machine.cpus} × ${machine.cpuModel}, ${machine.os}, Node ${process.versions.node}`]),
);
progress(`wrote ${join(values.out, 'page-load.json')} and page-load.md`);
process.stdout.write(renderTextTable(table));
