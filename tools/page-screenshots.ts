#!/usr/bin/env node
// npm run screenshots: refreshes the page's screenshots in docs/images/ (web-<light|dark>-
// <desktop|phone>.png), shown in README.md and docs/web.md. It starts FerretDB and Ollama as
// the tests do, zerochat as `npm start` runs it, seeds a few conversations as the first admin,
// and photographs one of them in Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, provideServices, REPO_ROOT } from '@zerochat/local-services';
import { MongoClient } from 'mongodb';
import { launchChromium } from '../test/support/chromium.ts';
import { startFunctionProcess } from '../test/support/function-process.ts';
import { apiClient } from '../test/support/http-client.ts';
import { conversationWithStoredReply } from '../test/support/stored-reply.ts';
import { waitFor } from '../test/support/wait-for.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);
const DATABASE = 'screenshots';

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

const scratch = await mkdtemp(join(tmpdir(), 'zerochat-screenshots-'));
const services = await provideServices({
  env: process.env,
  cacheDir: cacheDir(),
  dataDir: scratch,
  registryDir: join(scratch, 'run'),
  report: say,
});
const dataDir = join(scratch, '.data');
const zerochat = await startFunctionProcess(join(REPO_ROOT, 'local/start.ts'), {
  LOG_LEVEL: 'info',
  ZEROCHAT_DATA_DIR: dataDir,
  ZEROCHAT_CACHE_DIR: cacheDir(),
  MONGODB_URI: services.mongoUri,
  MONGODB_DB: DATABASE,
  OLLAMA_HOST: services.ollamaHost,
  ZEROCHAT_BASE_MODEL: services.tinyModel,
  CHAT_MAX_NUM_PREDICT: '16',
});
const mongo = new MongoClient(services.mongoUri);
const chromium = await launchChromium();
try {
  await waitFor(async () => zerochat.stderr.includes('Ctrl-C stops zerochat'), 120_000);
  const admin = JSON.parse(await readFile(join(dataDir, 'admin.json'), 'utf8')) as { email: string; password: string };
  const api = apiClient(zerochat.baseUrl);
  const token = (await api.json<{ accessToken: string }>('POST', '/auth/login', { body: admin })).body.accessToken;
  for (const title of EARLIER) await api.json('POST', '/chat/conversations', { token, body: { title } });
  const id = await conversationWithStoredReply({
    baseUrl: zerochat.baseUrl,
    token,
    db: mongo.db(DATABASE),
    ...SHOWCASE,
  });

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
  await mongo.close();
  await zerochat.stop('SIGTERM');
  await services.stop();
  await rm(scratch, { recursive: true, force: true });
}
