// The page while the model server is away: `npm start` with an Ollama address where nothing
// listens, so every request that needs the model is 503 upstream_unavailable.
import { describe, expect, it } from 'vitest';
import { eventually, lastReply, openPage, register, send, uniqueEmail, useZerochatInChromium } from './page.ts';

// The discard port: nothing listens there.
const browser = useZerochatInChromium({ OLLAMA_HOST: 'http://127.0.0.1:9' });

describe('while the model server is away', () => {
  it('says so for the model list and for a message, in words, and keeps the conversation usable', async () => {
    const { page, problems } = await openPage(await browser.newContext(), browser.zerochat.baseUrl);
    await register(page, uniqueEmail('away'));
    const unavailable = page.getByRole('alert').filter({ hasText: 'The model is not available right now' });
    await eventually(() => unavailable.first().isVisible()).toBe(true);
    expect(await page.getByLabel('Model').inputValue()).toBe('');

    await send(page, 'Hello?');
    await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
    const reply = lastReply(page);
    await eventually(() => reply.getByRole('alert').textContent()).toContain('The model is not available right now');
    expect(await reply.getByRole('alert').textContent()).toContain('Try again in a moment');
    // No reply is in progress: the composer is ready for another try.
    expect(await page.getByRole('button', { name: 'Stop the reply' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Message' }).isEditable()).toBe(true);
    expect(problems).toEqual([]);
  }, 90_000);
});
