// API keys in Settings, in a real Chromium against `npm start`: a key created with its value
// shown once, used at /v1 with its usage listed, renamed with the keyboard and revoked after
// a confirmation; and Settings without the section when auth has no API keys.
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
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
const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '16' });
const api = () => apiClient(browser.zerochat.baseUrl);

async function keysOf(email: string) {
  const login = await api().json<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password: PASSWORD },
  });
  return (
    await api().json<{ apiKeys: Array<{ name: string }> }>('GET', '/auth/api-keys', { token: login.body.accessToken })
  ).body.apiKeys;
}

describe('API keys in Settings', () => {
  it(
    'creates a key shown once, lists its use, renames it with the keyboard and revokes it',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('keys');
      await register(page, email);
      await page.getByRole('link', { name: 'Settings' }).click();
      const section = page.getByRole('region', { name: 'API keys' });
      await eventually(() => section.getByText('You have no API keys.').isVisible()).toBe(true);

      await section.getByLabel('Name').fill('My script');
      await section.getByLabel('Expires').selectOption({ label: 'In 30 days' });
      await section.getByRole('button', { name: 'Create key' }).click();
      const notice = section.getByRole('status').filter({ hasText: 'shown only this once' });
      await eventually(() => notice.isVisible()).toBe(true);
      const key = (await notice.locator('code').textContent()) ?? '';
      expect(key).toMatch(/^zc-[\w-]{43}$/);
      // The copy button has the focus: Enter copies the key.
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Copy key');
      expect(await accessibilityViolations(page)).toEqual([]);

      // The key reaches /v1; what it did is listed with it once Settings is read again.
      const models = await api().json<{ data: unknown[] }>('GET', '/v1/models', { token: key });
      expect(models.status).toBe(200);
      const completion = await api().json<{ usage: { completion_tokens: number } }>('POST', '/v1/chat/completions', {
        token: key,
        body: { model: 'zerochat:latest', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 4 },
      });
      expect(completion.status).toBe(200);

      await notice.getByRole('button', { name: 'Done' }).click();
      expect(await page.getByText(key).count()).toBe(0);
      await page.reload();
      const item = section.getByRole('list', { name: 'Your API keys' }).getByRole('listitem');
      await eventually(() => item.count()).toBe(1);
      const text = (await item.textContent()) ?? '';
      expect(text).toContain('My script');
      expect(text).toContain(`${key.slice(0, 7)}…${key.slice(-4)}`);
      expect(text).toMatch(/Expires \w/);
      expect(text).toContain('2 requests');
      expect(text).toContain(`${completion.body.usage.completion_tokens} completion token`);
      // Shown once: the page has the key no more.
      expect(await page.content()).not.toContain(key);

      await section.getByRole('button', { name: 'Rename key “My script”' }).click();
      const rename = section.getByRole('textbox', { name: 'New name for “My script”' });
      await rename.fill('Nightly job');
      await rename.press('Enter');
      await eventually(() => item.textContent()).toContain('Nightly job');
      expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Rename key “Nightly job”');
      expect((await keysOf(email)).map((listed) => listed.name)).toEqual(['Nightly job']);

      await section.getByRole('button', { name: 'Revoke key “Nightly job”' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this key?' });
      await eventually(() => dialog.isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      // Escape cancels; the key stays.
      await page.keyboard.press('Escape');
      await eventually(() => dialog.count()).toBe(0);
      expect(await item.count()).toBe(1);
      await section.getByRole('button', { name: 'Revoke key “Nightly job”' }).click();
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await eventually(() => section.getByText('You have no API keys.').isVisible()).toBe(true);
      expect(await keysOf(email)).toEqual([]);
      // Refused everywhere within the key check's cache time.
      await eventually(
        async () => (await api().call('GET', '/v1/models', { headers: { authorization: `Bearer ${key}` } })).status,
      ).toBe(401);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'are left out of Settings when auth has no API keys, and the rest of Settings works',
    async () => {
      const context = await browser.newContext();
      // A stand-in for an auth function from before API keys: its route is unknown (404 not_found).
      await context.route('**/auth/api-keys', (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }),
        }),
      );
      const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
      await register(page, uniqueEmail('older'));
      await page.getByRole('link', { name: 'Settings' }).click();
      await eventually(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true);
      await eventually(() => page.getByText('Loading…').count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});
