// A person's journeys on zerochat's page, in a real Chromium against `npm start` (the one
// process, with the run's FerretDB and Ollama): register, chat with a streamed reply, stop it,
// manage conversations, change the password, and an admin disabling an account.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import {
  composer,
  eventually,
  lastReply,
  messages,
  openPage,
  PASSWORD,
  register,
  send,
  signedOut,
  signIn,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

/** A journey in a real browser takes seconds; the machine may be busy with other tests. */
const JOURNEY_MS = 90_000;
// Replies long enough to stop mid-way (the tiny model writes until num_predict), one at a time,
// written at 50 tokens a second as a real model would (see startPacedOllama).
const browser = useZerochatInChromium(
  { CHAT_MAX_NUM_PREDICT: '20000', CHAT_MAX_CONCURRENT_PER_USER: '1' },
  { ownOllama: true, linesPerSecond: 50 },
);
const newContext = browser.newContext;

const api = () => apiClient(browser.zerochat.baseUrl);
async function apiLogin(email: string, password = PASSWORD) {
  const login = await api().json<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return login.body.accessToken;
}

describe('a new person', () => {
  it(
    'registers, starts a chat with a model and a system prompt, sees the reply stream in, stops it, and finds it after a reload',
    async () => {
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('ada');
      await register(page, email);

      await eventually(() => page.getByLabel('Model').inputValue()).toBe('zerochat:latest');
      await page.locator('summary', { hasText: 'System prompt' }).click();
      await page.getByRole('textbox', { name: 'System prompt' }).fill('Answer briefly.');
      await send(page, 'Tell me a long story about the sea.');

      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      const reply = lastReply(page);
      // It streams: the reply grows while it is written.
      await eventually(async () => (await reply.locator('.markdown').textContent())?.length ?? 0).toBeGreaterThan(0);
      const early = (await reply.locator('.markdown').textContent())?.length ?? 0;
      await eventually(async () => (await reply.locator('.markdown').textContent())?.length ?? 0).toBeGreaterThan(
        early,
      );

      await page.getByRole('button', { name: 'Stop the reply' }).click();
      await eventually(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true);
      await eventually(() => reply.getByText('Stopped before the end.').isVisible()).toBe(true);
      const kept = await reply.locator('.markdown').textContent();
      expect(kept?.length).toBeGreaterThan(0);

      // The conversation is listed under its first message, and holds the system prompt.
      const link = page
        .getByRole('navigation', { name: 'Conversations' })
        .getByRole('link', { name: 'Tell me a long story about the sea.' });
      await eventually(() => link.getAttribute('aria-current')).toBe('page');
      const id = page.url().split('/').at(-1) ?? '';
      const token = await apiLogin(email);
      const stored = await api().json<{
        systemPrompt: string;
        messages: Array<{ role: string; status: string; content: string }>;
      }>('GET', `/chat/conversations/${id}`, { token });
      expect(stored.body.systemPrompt).toBe('Answer briefly.');
      expect(stored.body.messages.map((message) => [message.role, message.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'incomplete'],
      ]);

      // A reload keeps the person signed in (the refresh cookie) and shows what was kept.
      await page.reload();
      await eventually(() => messages(page).count()).toBe(2);
      expect((await lastReply(page).locator('.markdown').textContent())?.trim()).toBe(
        stored.body.messages[1]?.content.trim(),
      );
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'keeps no credential where scripts can read it: the refresh token is an httpOnly cookie',
    async () => {
      const context = await newContext();
      const { page } = await openPage(context, browser.zerochat.baseUrl);
      await register(page, uniqueEmail('grace'));
      // In the page's own context (a string: this file is type-checked without the DOM).
      const readable = (await page.evaluate(
        '({ cookie: document.cookie, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })',
      )) as { cookie: string; local: string; session: string };
      expect(readable.cookie).toMatch(/^zerochat_csrf=[\w-]{43}$/);
      expect(readable.local).toBe('{}');
      expect(readable.session).toBe('{}');
      const refresh = (await context.cookies()).find((cookie) => cookie.name === 'zerochat_refresh');
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth', secure: false });
    },
    JOURNEY_MS,
  );
});

describe('conversations', () => {
  it(
    'are listed newest first, renamed with the keyboard and deleted after a confirmation',
    async () => {
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('lin');
      await register(page, email);
      const token = await apiLogin(email);
      for (const title of ['First topic', 'Second topic']) {
        expect((await api().json('POST', '/chat/conversations', { token, body: { title } })).status).toBe(201);
      }
      await page.reload();
      const list = page.getByRole('navigation', { name: 'Conversations' });
      await eventually(() => list.getByRole('link').allTextContents()).toEqual(['Second topic', 'First topic']);

      await list.getByRole('button', { name: 'Rename “First topic”' }).focus();
      await page.keyboard.press('Enter');
      const input = page.getByRole('textbox', { name: 'New title' });
      await eventually(() => input.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true);
      await page.keyboard.type('Renamed topic');
      await page.keyboard.press('Enter');
      await eventually(() => list.getByRole('link').allTextContents()).toEqual(['Second topic', 'Renamed topic']);

      await list.getByRole('button', { name: 'Delete “Second topic”' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await eventually(() => list.getByRole('link').allTextContents()).toEqual(['Renamed topic']);

      const listed = await api().json<{ items: Array<{ title: string }> }>('GET', '/chat/conversations', { token });
      expect(listed.body.items.map((item) => item.title)).toEqual(['Renamed topic']);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});

describe('errors in words', () => {
  it(
    'says when the browser is offline and keeps the message, then sends it when back',
    async () => {
      const context = await newContext();
      const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
      await register(page, uniqueEmail('kim'));
      await context.setOffline(true);
      await send(page, 'Are you there?');
      await eventually(() =>
        page.getByRole('alert').filter({ hasText: 'You seem to be offline' }).first().isVisible(),
      ).toBe(true);
      await eventually(() => page.getByText('You are offline.').isVisible()).toBe(true);
      expect(await composer(page).inputValue()).toBe('Are you there?');

      await context.setOffline(false);
      await composer(page).press('Enter');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      await page.getByRole('button', { name: 'Stop the reply' }).click();
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'answers a second reply at once with 429 and the time to wait',
    async () => {
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      await register(page, uniqueEmail('noor'));
      await send(page, 'First question');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      const first = page.url();
      await eventually(() => page.getByRole('button', { name: 'Stop the reply' }).isVisible()).toBe(true);

      await page.getByRole('link', { name: 'New chat' }).click();
      await send(page, 'Second question');
      await page.waitForURL((url) => url.href !== first && /\/c\//.test(url.pathname));
      const second = new URL(page.url()).pathname;
      const alert = lastReply(page).getByRole('alert');
      await eventually(() => alert.textContent()).toMatch(/Too many requests.*Try again in \d+ seconds?\./);

      // The first reply is still being written (in the background): stop it from its conversation.
      await openFromList(page, new URL(first).pathname);
      await page.getByRole('button', { name: 'Stop the reply' }).click();
      await eventually(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true);

      // Now the second message can go: once more, from where it failed.
      await openFromList(page, second);
      await lastReply(page).getByRole('button', { name: 'Try again' }).click();
      await eventually(() => page.getByRole('button', { name: 'Stop the reply' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Stop the reply' }).click();
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});

describe('the account', () => {
  it(
    'changes its password, stays signed in while its other browser is signed out within 30 s, and signs in with the new password only',
    async () => {
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('sam');
      await register(page, email);
      // The same person in another browser: a session of its own, which the change ends.
      const elsewhere = await openPage(await newContext(), browser.zerochat.baseUrl);
      await signIn(elsewhere.page, email);
      await eventually(() => elsewhere.page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);

      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill('an even longer passphrase 43');
      await page.getByLabel('New password again').fill('an even longer passphrase 43');
      await page.getByRole('button', { name: 'Change password' }).click();
      await eventually(() => page.getByRole('status').filter({ hasText: 'Your password is changed' }).isVisible()).toBe(
        true,
      );

      // Nobody touches the other browser: its own check notices within its 15 s interval.
      await eventually(() => signedOut(elsewhere.page), 30_000).toBe(true);
      expect(await elsewhere.page.getByRole('status').first().textContent()).toContain('Your session has ended');

      // The session continues in its new cookie.
      await page.reload();
      await eventually(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await eventually(() => signedOut(page)).toBe(true);
      await page.reload();
      await eventually(() => signedOut(page)).toBe(true);

      await signIn(page, email, PASSWORD);
      await eventually(() => page.getByRole('alert').textContent()).toContain('Invalid credentials');
      await signIn(page, email, 'an even longer passphrase 43');
      await eventually(() => page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});

describe('an admin', () => {
  it(
    'sees the status, disables an account, and that person’s page is signed out within 30 s',
    async () => {
      const admin = JSON.parse(await readFile(join(browser.zerochat.dataDir, 'admin.json'), 'utf8')) as {
        email: string;
        password: string;
      };
      const person = await openPage(await newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('eve');
      await register(person.page, email, 'Eve');

      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      await signIn(page, admin.email, admin.password);
      await page.getByRole('link', { name: 'Admin console' }).click();
      const status = page.getByRole('region', { name: /^Status/ });
      await eventually(() => status.getByRole('heading', { name: /MongoDB/ }).textContent()).toContain('OK');
      await page.getByRole('searchbox', { name: 'Find by email' }).fill(email);
      await page.getByRole('button', { name: 'Find' }).click();
      await eventually(() => page.getByRole('table').getByRole('row').count()).toBe(2);
      await page.getByRole('button', { name: `Disable Eve (${email})` }).click();
      await eventually(() => page.getByRole('button', { name: `Enable Eve (${email})` }).isVisible()).toBe(true);

      // The person does nothing: the page's own check notices within its 15 s interval.
      await eventually(() => signedOut(person.page), 30_000).toBe(true);
      // Disabling ended the person's sessions: the page says so, and signing in again says why.
      expect(await person.page.getByRole('status').first().textContent()).toContain('Your session has ended');
      await signIn(person.page, email);
      await eventually(() => person.page.getByRole('alert').textContent()).toContain('Account disabled');

      await page.getByRole('button', { name: 'Run bootstrap' }).click();
      await eventually(() => page.getByRole('table').filter({ hasText: 'mongodb-indexes' }).isVisible()).toBe(true);
      expect([...problems, ...person.problems]).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'creates an account, resets its password and deletes it; the person chooses a new password each time, and is signed out',
    async () => {
      const admin = JSON.parse(await readFile(join(browser.zerochat.dataDir, 'admin.json'), 'utf8')) as {
        email: string;
        password: string;
      };
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl, '/console');
      await signIn(page, admin.email, admin.password);
      const email = uniqueEmail('kai');
      const create = page.getByRole('form', { name: 'Create an account' });
      await create.getByLabel('Email').fill(email);
      await create.getByLabel('Name').fill('Kai');
      await create.getByRole('button', { name: 'Create account' }).click();
      const secret = page.locator('code.secret');
      await eventually(() => secret.isVisible()).toBe(true);
      const temporary = (await secret.textContent()) ?? '';
      expect(temporary.length).toBeGreaterThanOrEqual(8);

      // The person signs in with it and must choose a password of their own.
      const person = await openPage(await newContext(), browser.zerochat.baseUrl);
      const choose = async (password: string, chosen: string) => {
        await signIn(person.page, email, password);
        await eventually(() => person.page.getByRole('heading', { name: 'Choose a new password' }).isVisible()).toBe(
          true,
        );
        await person.page.getByLabel('New password', { exact: true }).fill(chosen);
        await person.page.getByRole('button', { name: 'Set password and sign in' }).click();
        await eventually(() => person.page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);
      };
      await choose(temporary, 'kai chooses a long passphrase 1');

      // A reset signs the person out (within the page's 15 s check) and gives a new temporary password.
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: `Reset password of Kai (${email})` }).click();
      await page
        .getByRole('dialog', { name: 'Reset this password?' })
        .getByRole('button', { name: 'Reset password' })
        .click();
      await eventually(() => secret.isVisible()).toBe(true);
      const second = (await secret.textContent()) ?? '';
      await eventually(() => signedOut(person.page), 30_000).toBe(true);
      await choose(second, 'kai chooses another passphrase 2');

      // Deleting the account removes it: the page is signed out, and the old password is refused.
      await page.getByRole('button', { name: `Delete Kai (${email})` }).click();
      await page
        .getByRole('dialog', { name: 'Delete this account?' })
        .getByRole('button', { name: 'Delete account' })
        .click();
      await eventually(() =>
        page
          .getByRole('status')
          .filter({ hasText: `${email} is deleted` })
          .isVisible(),
      ).toBe(true);
      await eventually(() => signedOut(person.page), 30_000).toBe(true);
      await signIn(person.page, email, 'kai chooses another passphrase 2');
      await eventually(() => person.page.getByRole('alert').textContent()).toContain('Invalid credentials');
      expect([...problems, ...person.problems]).toEqual([]);
    },
    JOURNEY_MS,
  );
});

/**
 * Opens a conversation from the list by its title, as a person does: a hovered item shows its
 * actions over the end of its row, so the click goes where the title begins, not the row's middle.
 */
async function openFromList(page: Page, path: string): Promise<void> {
  await page.locator(`a[href="${path}"]`).click({ position: { x: 12, y: 10 } });
}
