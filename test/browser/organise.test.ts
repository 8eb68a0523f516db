// Search, pins and the archive in the sidebar, in a real Chromium against `npm start`; and a
// sidebar without them when chat lists conversations without pins (an older chat).
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import { conversationWithStoredReply } from '../support/stored-reply.ts';
import {
  accessibilityViolations,
  eventually,
  openPage,
  PASSWORD,
  register,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

const JOURNEY_MS = 90_000;
const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '8' });
const api = () => apiClient(browser.zerochat.baseUrl);

/** A new person signed in on a page, with three conversations made through the API. */
async function personWithConversations(context: Awaited<ReturnType<typeof browser.newContext>>) {
  const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
  const email = uniqueEmail('tidy');
  await register(page, email);
  const token = (
    await api().json<{ accessToken: string }>('POST', '/auth/login', { body: { email, password: PASSWORD } })
  ).body.accessToken;
  await conversationWithStoredReply({
    baseUrl: browser.zerochat.baseUrl,
    token,
    db: browser.database.db,
    title: 'Trip planning',
    question: 'Which part of Lisbon is best on foot, the Alfama or Belém?',
    reply: 'The Alfama, early in the morning.',
  });
  for (const title of ['Groceries', 'Old notes']) {
    expect((await api().json('POST', '/chat/conversations', { token, body: { title } })).status).toBe(201);
  }
  await page.reload();
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  const titles = () => nav.getByRole('listitem').getByRole('link').allTextContents();
  await eventually(titles).toEqual(['Old notes', 'Groceries', 'Trip planning']);
  return { page, problems, token, nav, titles };
}

describe('the sidebar', () => {
  it(
    'searches conversations, pins one first and archives one',
    async () => {
      const { page, problems, token, titles } = await personWithConversations(await browser.newContext());
      const search = page.getByRole('searchbox', { name: 'Search conversations' });

      // A message's text finds its conversation, with the words around the match.
      await search.fill('ALFAMA');
      await eventually(titles).toHaveLength(1);
      expect((await titles())[0]).toContain('Trip planning');
      expect((await titles())[0]).toContain('best on foot, the Alfama or Belém?');
      await search.fill('(a+b)*c');
      await eventually(() => page.getByText('No conversation holds “(a+b)*c”.').isVisible()).toBe(true);
      await search.fill('');
      await eventually(titles).toEqual(['Old notes', 'Groceries', 'Trip planning']);

      // Pinned first, and pressed.
      await page.getByRole('button', { name: 'Pin “Groceries”' }).click();
      await eventually(titles).toEqual(['Pinned: Groceries', 'Old notes', 'Trip planning']);
      expect(await page.getByRole('button', { name: 'Unpin “Groceries”' }).getAttribute('aria-pressed')).toBe('true');
      expect(await accessibilityViolations(page)).toEqual([]);

      // Archived: out of the list, into the archive, and back.
      await page.getByRole('button', { name: 'Archive “Old notes”' }).click();
      await eventually(titles).toEqual(['Pinned: Groceries', 'Trip planning']);
      await page.getByRole('button', { name: 'Archived conversations' }).click();
      const archive = page.getByRole('navigation', { name: 'Archived conversations' });
      await eventually(() => archive.getByRole('link').allTextContents()).toEqual(['Old notes']);
      expect(await accessibilityViolations(page)).toEqual([]);
      const listed = await api().json<{ items: Array<{ title: string; pinned: boolean; archived: boolean }> }>(
        'GET',
        '/chat/conversations?archived=all',
        { token },
      );
      expect(listed.body.items.map((item) => [item.title, item.pinned, item.archived])).toEqual([
        ['Groceries', true, false],
        ['Old notes', false, true],
        ['Trip planning', false, false],
      ]);
      await archive.getByRole('button', { name: 'Unarchive “Old notes”' }).click();
      await eventually(() => page.getByText('The archive is empty.').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await eventually(titles).toEqual(['Pinned: Groceries', 'Old notes', 'Trip planning']);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'offers no search, pin or archive when chat lists conversations without them',
    async () => {
      const context = await browser.newContext();
      // A stand-in for a chat from before pins and search: its list has no `pinned` or `archived`.
      await context.route('**/chat/conversations?*', async (route) => {
        const response = await route.fetch();
        const page = (await response.json()) as { items: Array<Record<string, unknown>> };
        for (const item of page.items) {
          delete item.pinned;
          delete item.archived;
        }
        await route.fulfill({ response, json: page });
      });
      const { page, problems, titles } = await personWithConversations(context);
      expect(await titles()).toHaveLength(3);
      expect(await page.getByRole('searchbox').count()).toBe(0);
      expect(await page.getByRole('button', { name: /^(Pin|Archive) / }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Rename “Groceries”' }).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});
