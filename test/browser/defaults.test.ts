// Per-user defaults in Settings, in a real Chromium against `npm start`: a model, a system
// prompt and model options saved, kept after a reload and used by a new chat; and Settings and
// the new chat without them when chat keeps no defaults.
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import {
  accessibilityViolations,
  eventually,
  openPage,
  PASSWORD,
  register,
  send,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

const JOURNEY_MS = 90_000;
const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '8' });
const api = () => apiClient(browser.zerochat.baseUrl);

async function tokenOf(email: string) {
  return (await api().json<{ accessToken: string }>('POST', '/auth/login', { body: { email, password: PASSWORD } }))
    .body.accessToken;
}

describe('defaults for new chats', () => {
  it(
    'are saved in Settings, kept after a reload, and start a new chat',
    async () => {
      const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
      const email = uniqueEmail('prefs');
      await register(page, email);
      await page.getByRole('link', { name: 'Settings' }).click();
      const section = page.getByRole('region', { name: 'Defaults for new chats' });
      await eventually(() => section.getByLabel('Model').isVisible()).toBe(true);
      await eventually(() => section.getByRole('option', { name: 'zerochat:latest', exact: true }).count()).toBe(1);
      expect(await section.getByLabel('Model').inputValue()).toBe('');

      await section.getByLabel('Model').selectOption('zerochat:latest');
      await section.getByLabel('System prompt').fill('Answer in French.');
      await section.getByLabel('Temperature (0–2)').fill('0.3');
      await section.getByLabel('Top k (1–1000)').fill('20');
      await section.getByRole('button', { name: 'Save defaults' }).click();
      await eventually(() => section.getByRole('status').textContent()).toContain('Saved.');
      expect(await accessibilityViolations(page)).toEqual([]);

      const token = await tokenOf(email);
      const stored = await api().json('GET', '/chat/settings', { token });
      expect(stored.body).toMatchObject({
        model: 'zerochat:latest',
        systemPrompt: 'Answer in French.',
        options: { temperature: 0.3, top_k: 20 },
      });

      // After a reload the stored model shows at once, before the list of models arrives.
      const modelsHeld = Promise.withResolvers<void>();
      await page.route('**/chat/models', async (route) => {
        await modelsHeld.promise;
        await route.continue();
      });
      await page.reload();
      await eventually(() => section.getByLabel('System prompt').inputValue()).toBe('Answer in French.');
      expect(await section.getByLabel('Model').inputValue()).toBe('zerochat:latest');
      expect(await section.getByLabel('Temperature (0–2)').inputValue()).toBe('0.3');
      modelsHeld.resolve();
      await eventually(() => section.getByRole('option', { name: 'zerochat:latest', exact: true }).count()).toBe(1);
      expect(await section.getByLabel('Model').inputValue()).toBe('zerochat:latest');

      // A new chat starts from them.
      await page.getByRole('link', { name: 'New chat' }).click();
      await page.locator('summary', { hasText: 'System prompt' }).click();
      await eventually(() => page.getByRole('textbox', { name: 'System prompt' }).inputValue()).toBe(
        'Answer in French.',
      );
      await send(page, 'Bonjour');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      const id = page.url().split('/').at(-1) ?? '';
      const conversation = await api().json('GET', `/chat/conversations/${id}`, { token });
      expect(conversation.body).toMatchObject({ model: 'zerochat:latest', systemPrompt: 'Answer in French.' });

      // Emptied and saved: the defaults are reset.
      await page.getByRole('link', { name: 'Settings' }).click();
      await eventually(() => section.getByLabel('System prompt').inputValue()).toBe('Answer in French.');
      await section.getByLabel('Model').selectOption('');
      await section.getByLabel('System prompt').fill('');
      await section.getByLabel('Temperature (0–2)').fill('');
      await section.getByLabel('Top k (1–1000)').fill('');
      await section.getByRole('button', { name: 'Save defaults' }).click();
      await eventually(async () => (await api().json('GET', '/chat/settings', { token })).body).toMatchObject({
        model: null,
        systemPrompt: null,
        options: {},
      });
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );

  it(
    'are left out of Settings when chat keeps none, and a new chat starts from the server’s',
    async () => {
      const context = await browser.newContext();
      // A stand-in for a chat from before per-user defaults: its route is unknown (404 not_found).
      await context.route('**/chat/settings', (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }),
        }),
      );
      const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
      await register(page, uniqueEmail('plain'));
      await eventually(() => page.getByLabel('Model').inputValue()).toBe('zerochat:latest');
      expect(await page.getByRole('alert').count()).toBe(0);
      await page.getByRole('link', { name: 'Settings' }).click();
      await eventually(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true);
      await eventually(() => page.getByText('Loading…').count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Defaults for new chats' }).count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(problems).toEqual([]);
    },
    JOURNEY_MS,
  );
});
