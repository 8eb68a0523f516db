// A person's journeys through a conversation's branches on zerochat's page, in a real Chromium
// against `npm start`: regenerate a reply, edit a question, go between the versions, continue a
// stopped reply, and reload while a reply is written to see it go on.

import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import {
  eventually,
  lastReply,
  messages,
  openPage,
  PASSWORD,
  register,
  send,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

const JOURNEY_MS = 120_000;
// The tiny model writes until num_predict: long replies, stopped by the person mid-way.
// Replies long enough to stop mid-way, written at 50 tokens a second as a real model would
// (the tiny model alone writes thousands a second; see startPacedOllama).
const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '20000' }, { ownOllama: true, linesPerSecond: 50 });

const text = async (message: Locator) => (await message.locator('.markdown, .user-text').textContent()) ?? '';

/**
 * The last message of the conversation open on the page, as chat stored it. The page shows it
 * rendered as Markdown, which is not a prefix of what it shows once more text has come.
 */
async function storedLastMessage(page: Page, email: string) {
  const api = apiClient(browser.zerochat.baseUrl);
  const login = await api.json<{ accessToken: string }>('POST', '/auth/login', { body: { email, password: PASSWORD } });
  const id = page.url().split('/').at(-1) ?? '';
  const { body } = await api.json<{ messages: Array<{ status: string; content: string }> }>(
    'GET',
    `/chat/conversations/${id}`,
    { token: login.body.accessToken },
  );
  return body.messages.at(-1);
}

/** Waits until the reply has some text, then stops it and waits until it is stored as stopped. */
async function stopOnceWritten(page: Page) {
  await eventually(async () => (await text(lastReply(page))).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Stop the reply' }).click();
  await eventually(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true);
  await eventually(() => lastReply(page).getByText('Stopped before the end.').isVisible()).toBe(true);
}

/** Registers someone new, asks `question`, and stops the reply once written; resolves with their email. */
async function startChat(page: Page, question: string) {
  const email = uniqueEmail('bo');
  await register(page, email);
  await send(page, question);
  await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
  await stopOnceWritten(page);
  return email;
}

describe('the branches of a conversation', () => {
  it(
    'regenerates a reply, then goes back and forth between its two versions',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      await startChat(page, 'Tell me a long story about the sea.');
      const first = await text(lastReply(page));

      await lastReply(page).getByRole('button', { name: 'Regenerate the reply' }).click();
      await stopOnceWritten(page);
      expect(await messages(page).count()).toBe(2);
      const second = await text(lastReply(page));
      await eventually(() => lastReply(page).getByText('2 / 2').isVisible()).toBe(true);

      // With the keyboard: the focus stays on the arrow while the version changes.
      const previous = lastReply(page).getByRole('button', { name: 'Previous version of the reply' });
      await previous.focus();
      await page.keyboard.press('Enter');
      await eventually(() => text(lastReply(page))).toBe(first);
      await eventually(() => lastReply(page).getByText('1 / 2').isVisible()).toBe(true);
      expect(await previous.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true);
      expect(await previous.getAttribute('aria-disabled')).toBe('true');
      // The branch is the server's: a reload shows the version chosen.
      await page.reload();
      await eventually(() => lastReply(page).getByText('1 / 2').isVisible()).toBe(true);
      await lastReply(page).getByRole('button', { name: 'Next version of the reply' }).click();
      await eventually(() => text(lastReply(page))).toBe(second);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'edits a question with the keyboard (Escape cancels, Enter sends) and gets a new reply beside the old one',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      await startChat(page, 'Tell me about whales.');
      const question = messages(page).first();

      await question.getByRole('button', { name: 'Edit your message' }).click();
      const editor = page.getByRole('textbox', { name: 'Edit your message' });
      await eventually(() => editor.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true);
      await page.keyboard.press('Escape');
      await eventually(() => editor.count()).toBe(0);
      expect(await text(question)).toBe('Tell me about whales.');

      await question.getByRole('button', { name: 'Edit your message' }).click();
      await editor.fill('Tell me about dolphins.');
      await editor.press('Enter');
      await eventually(() => text(messages(page).first())).toBe('Tell me about dolphins.');
      await stopOnceWritten(page);
      expect(await messages(page).count()).toBe(2);
      await eventually(() => messages(page).first().getByText('2 / 2').isVisible()).toBe(true);

      await messages(page).first().getByRole('button', { name: 'Previous version of your message' }).click();
      await eventually(() => text(messages(page).first())).toBe('Tell me about whales.');
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'continues a stopped reply from where it ended',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      const email = await startChat(page, 'Tell me a long story about the mountains.');
      const kept = await storedLastMessage(page, email);
      expect(kept?.status).toBe('incomplete');
      const shown = await text(lastReply(page));

      await lastReply(page).getByRole('button', { name: 'Continue' }).click();
      await eventually(async () => (await text(lastReply(page))).length).toBeGreaterThan(shown.length);
      await stopOnceWritten(page);
      expect(await messages(page).count()).toBe(2);
      // The same reply, with more text after what it had.
      const continued = await storedLastMessage(page, email);
      expect(continued?.content.startsWith(kept?.content ?? '-')).toBe(true);
      expect(continued?.content.length).toBeGreaterThan(kept?.content.length ?? 0);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'shows a reply still being written after a reload, and then the rest of it',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      await register(page, uniqueEmail('rei'));
      await send(page, 'Tell me a long story about a river.');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      await eventually(async () => (await text(lastReply(page))).length).toBeGreaterThan(20);

      await page.reload();
      // What was written before the reload is there, and the reply goes on growing.
      await eventually(() => page.getByRole('button', { name: 'Stop the reply' }).isVisible()).toBe(true);
      await eventually(async () => (await text(lastReply(page))).length).toBeGreaterThan(0);
      const early = (await text(lastReply(page))).length;
      await eventually(async () => (await text(lastReply(page))).length).toBeGreaterThan(early);
      await stopOnceWritten(page);
      expect(await messages(page).count()).toBe(2);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});
