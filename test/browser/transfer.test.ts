// Export and import on zerochat's page, in a real Chromium against `npm start`: a person finds a
// conversation, downloads it and signs out; another exports everything with its branches and
// imports the file back.
import { readFile } from 'node:fs/promises';
import { COLLECTIONS } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import type { FileChooser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  eventually,
  lastReply,
  openPage,
  register,
  send,
  signedOut,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

const JOURNEY_MS = 120_000;
// Short replies that end by themselves; titles stay the first message's words.
const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '6', CHAT_TITLES: 'false' });

/** Sends a message from the page and waits until its reply is written. */
async function chat(page: Page, text: string) {
  await send(page, text);
  await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
  await eventually(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true);
  await eventually(async () => (await lastReply(page).locator('.markdown').textContent())?.length ?? 0).toBeGreaterThan(
    0,
  );
}

/**
 * Stores a conversation of one question for the user with `email`, straight in the database:
 * for journeys about Settings, which need conversations but not the model writing them.
 * `createdAt` of its message can be made one that is not a date.
 */
async function storeConversation(email: string, title: string, createdAt: unknown = new Date()) {
  const { db } = browser.database;
  const user = await db.collection(COLLECTIONS.users).findOne({ email });
  const conversationId = new ObjectId();
  const messageId = new ObjectId();
  const at = new Date();
  await db.collection(COLLECTIONS.conversations).insertOne({
    _id: conversationId,
    userId: user?._id,
    title,
    model: 'zerochat-tiny:latest',
    systemPrompt: null,
    currentMessageId: messageId,
    createdAt: at,
    updatedAt: at,
  });
  await db.collection(COLLECTIONS.messages).insertOne({
    _id: messageId,
    conversationId,
    userId: user?._id,
    parentId: null,
    role: 'user',
    content: title,
    status: 'complete',
    model: null,
    usage: null,
    createdAt,
  });
}

async function openSettings(page: Page) {
  await page.getByRole('link', { name: 'Settings' }).click();
  await eventually(() => page.getByRole('heading', { name: 'Export and import' }).isVisible()).toBe(true);
}

const hasFocus = (target: Locator) => target.evaluate((element) => element === element.ownerDocument.activeElement);

/** Presses Tab (or `key`) until `target` has the focus: it must be reached in the page's tab order. */
async function tabTo(page: Page, target: Locator, most = 60, key = 'Tab') {
  for (let presses = 0; presses < most; presses++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${target} was not reached with ${most} presses of ${key}`);
}

/** Downloads an export as the settings offer it; resolves with the file's path and text. */
async function download(page: Page, which: string, format: 'JSON' | 'Markdown') {
  await page.getByLabel('Conversations to export').selectOption({ label: which });
  await page.getByRole('radio', { name: new RegExp(`^${format}:`) }).check();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download export' }).click(),
  ]);
  const path = (await file.path()) ?? '';
  return { name: file.suggestedFilename(), path, text: await readFile(path, 'utf8') };
}

describe('export and import on the page', () => {
  it(
    'search, export, log out: finds a conversation, downloads it as Markdown and signs out',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      await register(page, uniqueEmail('exporter'));
      await chat(page, 'Tell me about the trams of Lisbon');
      await page.getByRole('link', { name: 'New chat' }).click();
      await chat(page, 'Something else entirely');

      // Search shows once the list is seen to have it: on the next load.
      await page.reload();
      const nav = page.getByRole('navigation', { name: 'Conversations' });
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('TRAMS');
      await eventually(() => nav.getByRole('link').count()).toBe(1);
      expect(await nav.getByRole('link').textContent()).toContain('Tell me about the trams of Lisbon');

      await openSettings(page);
      expect(await accessibilityViolations(page)).toEqual([]);
      const markdown = await download(page, 'Tell me about the trams of Lisbon', 'Markdown');
      expect(markdown.name).toMatch(/^zerochat-tell-me-about-the-trams-of-lisbon-\d{4}-\d\d-\d\d\.md$/);
      expect(markdown.text).toContain('# Tell me about the trams of Lisbon');
      expect(markdown.text).toContain('## You\n\nTell me about the trams of Lisbon\n\n## Assistant (zerochat');
      expect(markdown.text).not.toContain('Something else entirely');
      await eventually(() => page.getByRole('status').filter({ hasText: 'Downloaded' }).isVisible()).toBe(true);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await eventually(() => signedOut(page)).toBe(true);
      await page.reload();
      await eventually(() => signedOut(page)).toBe(true);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'export then import: the file brings the conversation back as a new one, with both versions of its reply',
    async () => {
      const { page, problems } = await openPage(
        await browser.newContext({ colorScheme: 'dark' }),
        browser.zerochat.baseUrl,
      );
      await register(page, uniqueEmail('importer'));
      await chat(page, 'Plan a day in Porto');
      const originalUrl = page.url();
      await lastReply(page).getByRole('button', { name: 'Regenerate the reply' }).click();
      await eventually(() => lastReply(page).getByText('2 / 2').isVisible()).toBe(true);
      await eventually(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true);

      await openSettings(page);
      const exported = await download(page, 'All conversations, archived ones too', 'JSON');
      expect(exported.name).toMatch(/^zerochat-conversations-[\d-]+\.json$/);
      expect(JSON.parse(exported.text)).toMatchObject({ format: 'zerochat.conversations', version: 1 });

      // What cannot be imported is said in words, and nothing is added.
      const fileInput = page.getByLabel('File to import');
      const version2 = exported.text.replace('"version":1', '"version":2');
      await fileInput.setInputFiles({
        name: 'later.json',
        mimeType: 'application/json',
        buffer: Buffer.from(version2),
      });
      await page.getByRole('button', { name: 'Import file' }).click();
      await eventually(() => page.getByRole('alert').textContent()).toContain('Unsupported file version');
      await fileInput.setInputFiles({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes') });
      await page.getByRole('button', { name: 'Import file' }).click();
      await eventually(() => page.getByRole('alert').textContent()).toContain('It is not JSON');

      await fileInput.setInputFiles(exported.path);
      await page.getByRole('button', { name: 'Import file' }).click();
      const notice = page.getByRole('status').filter({ hasText: 'Imported 1 conversation.' });
      await eventually(() => notice.isVisible()).toBe(true);
      const nav = page.getByRole('navigation', { name: 'Conversations' });
      await eventually(() => nav.getByRole('link', { name: 'Plan a day in Porto' }).count()).toBe(2);
      expect(await accessibilityViolations(page)).toEqual([]);

      await notice.getByRole('link', { name: 'Plan a day in Porto' }).click();
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      expect(page.url()).not.toBe(originalUrl);
      await eventually(() => lastReply(page).getByText('2 / 2').isVisible()).toBe(true);
      await lastReply(page).getByRole('button', { name: 'Previous version of the reply' }).click();
      await eventually(() => lastReply(page).getByText('1 / 2').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'export and import with the keyboard alone: Tab to each control, arrows to choose, Enter or Space to act',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      // File choosers are taken from the start: one opened before the page listens would be lost.
      const choosers: FileChooser[] = [];
      page.on('filechooser', (chooser) => choosers.push(chooser));
      const email = uniqueEmail('keyboard');
      await register(page, email);
      await storeConversation(email, 'Keys to the castle');
      await page.reload();
      await eventually(() => page.getByRole('link', { name: 'Keys to the castle' }).isVisible()).toBe(true);

      await tabTo(page, page.getByRole('link', { name: 'Settings' }));
      await page.keyboard.press('Enter');
      await eventually(() => page.getByRole('heading', { name: 'Export and import' }).isVisible()).toBe(true);

      // The conversation, then Markdown, chosen with arrow keys; Enter downloads it.
      const which = page.getByLabel('Conversations to export');
      await tabTo(page, which);
      await page.keyboard.press('ArrowDown');
      await eventually(() => which.locator('option:checked').textContent()).toBe('Keys to the castle');
      await page.keyboard.press('Tab');
      expect(await hasFocus(page.getByRole('radio', { name: /^JSON:/ }))).toBe(true);
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: /^Markdown:/ }).isChecked()).toBe(true);
      const downloadButton = page.getByRole('button', { name: 'Download export' });
      await tabTo(page, downloadButton);
      const [markdown] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(markdown.suggestedFilename()).toMatch(/^zerochat-keys-to-the-castle-[\d-]+\.md$/);
      await eventually(() => page.getByRole('status').filter({ hasText: 'Downloaded' }).isVisible()).toBe(true);
      // The focus stayed on the button, for the next download.
      expect(await hasFocus(downloadButton)).toBe(true);

      // Back to the format (Shift+Tab), JSON again, and the same button.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('ArrowUp');
      expect(await page.getByRole('radio', { name: /^JSON:/ }).isChecked()).toBe(true);
      await tabTo(page, downloadButton);
      const [json] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      const jsonPath = (await json.path()) ?? '';
      expect(JSON.parse(await readFile(jsonPath, 'utf8'))).toMatchObject({ format: 'zerochat.conversations' });

      // The file field opens its chooser with Space; a file that is not JSON is refused aloud.
      const fileInput = page.getByLabel('File to import');
      const importButton = page.getByRole('button', { name: 'Import file' });
      const choose = async (file: Parameters<Page['setInputFiles']>[1]) => {
        await tabTo(page, fileInput);
        const opened = choosers.length;
        await page.keyboard.press('Space');
        await eventually(() => choosers.length).toBe(opened + 1);
        await choosers[opened]?.setFiles(file);
        await tabTo(page, importButton);
        await page.keyboard.press('Enter');
      };
      await choose({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes') });
      const alert = page.getByRole('alert');
      await eventually(() => alert.textContent()).toContain('This file cannot be imported');
      expect(await alert.textContent()).toContain('It is not JSON');
      expect(await hasFocus(importButton)).toBe(true);

      await choose(jsonPath);
      const notice = page.getByRole('status').filter({ hasText: 'Imported 1 conversation.' });
      await eventually(() => notice.isVisible()).toBe(true);
      expect(await alert.count()).toBe(0);
      // The new conversation's link is just above the button; Enter opens it.
      await tabTo(page, notice.getByRole('link', { name: 'Keys to the castle' }), 2, 'Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      await eventually(() =>
        page.getByRole('list', { name: 'Messages' }).getByText('Keys to the castle').isVisible(),
      ).toBe(true);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'says so when an export breaks off part-way, with the request id of the log line, and saves nothing',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('broken');
      await register(page, email);
      await storeConversation(email, 'The first one exports fine');
      // A second one with a message whose date is not one (as a faulty migration might leave
      // it): the export fails when it gets there, after the first has gone out.
      await storeConversation(email, 'Damaged', 'last Tuesday');

      await openSettings(page);
      let downloads = 0;
      page.on('download', () => downloads++);
      await page.getByRole('button', { name: 'Download export' }).click();
      const alert = page.getByRole('alert');
      await eventually(() => alert.textContent()).toContain('The export broke off');
      const requestId = /\(request ([\w-]+)\)/.exec((await alert.textContent()) ?? '')?.[1];
      expect(requestId).toBeTruthy();
      expect(
        browser.zerochat.process.logs.find((line) => line.msg === 'export failed part-way; the download is cut off'),
      ).toMatchObject({ level: 'error', requestId });
      expect(downloads).toBe(0);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'offers no export or import where chat has neither',
    async () => {
      const context = await browser.newContext();
      // A stand-in for a chat from before export: its API document names neither path.
      let asked = 0;
      await context.route('**/chat/openapi.json', (route) => {
        asked++;
        return route.fulfill({ json: { openapi: '3.1.0', info: { title: 'chat', version: '0' }, paths: {} } });
      });
      const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
      await register(page, uniqueEmail('older'));
      await page.getByRole('link', { name: 'Settings' }).click();
      await eventually(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true);
      // The page asked, and the other sections have loaded by the time the API keys show.
      await eventually(() => asked).toBeGreaterThan(0);
      await eventually(() => page.getByRole('heading', { name: 'API keys' }).isVisible()).toBe(true);
      expect(await page.getByRole('heading', { name: 'Export and import' }).count()).toBe(0);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});
