#!/usr/bin/env node
// npm run screenshots: refreshes the page's screenshots in docs/images/ (web-<light|dark>-
// <desktop|phone>.png), shown in README.md and docs/web.md. It starts FerretDB and Ollama as
// the tests do, zerochat as `npm start` runs it, seeds a few conversations as the first admin,
// and photographs one of them in Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { launchChromium } from '../test/support/chromium.ts';
import { apiClient } from '../test/support/http-client.ts';
import { startStandaloneZerochat } from '../test/support/standalone-zerochat.ts';
import { conversationWithStoredReply } from '../test/support/stored-reply.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

const SHOWCASE = {
  question: 'How do I read a JSON file in Python and print one field?',
  reply: [
    'Use the standard library’s `json` module:',
    '',
    '```python',
    'import json',
    '',
    'with open("config.json", encoding="utf-8") as file:',
    '    config = json.load(file)',
    '',
    'print(config["name"])',
    '```',
    '',
    '- `json.load` reads from an open file; `json.loads` parses a string.',
    '- A missing key raises `KeyError`: use `config.get("name")` for a default of `None`.',
    '',
    '| function | reads from |',
    '| --- | --- |',
    '| `json.load` | a file |',
    '| `json.loads` | a string |',
  ].join('\n'),
};
const EARLIER = ['Trip ideas for a rainy weekend', 'Explain Knative scale to zero', 'Regex for ISO dates'];

const zerochat = await startStandaloneZerochat({ report: say, env: { CHAT_MAX_NUM_PREDICT: '16' } });
const chromium = await launchChromium();
try {
  const { admin, adminToken: token } = zerochat;
  const api = apiClient(zerochat.baseUrl);
  for (const title of EARLIER) await api.json('POST', '/chat/conversations', { token, body: { title } });
  const id = await conversationWithStoredReply({ baseUrl: zerochat.baseUrl, token, db: zerochat.db, ...SHOWCASE });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [device, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const context = await chromium.newContext({ colorScheme, viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${zerochat.baseUrl}/c/${id}`);
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.markdown pre').waitFor();
      const path = join(REPO_ROOT, 'docs/images', `web-${colorScheme}-${device}.png`);
      await page.screenshot({ path });
      say(`wrote ${path}`);
      await context.close();
    }
  }
} finally {
  await chromium.close();
  await zerochat.stop();
}
