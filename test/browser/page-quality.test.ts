// The page's qualities in a real Chromium against `npm start`: its security headers and the
// JavaScript budget of a first load, replies with HTML and javascript: links rendered inert,
// highlighted code with copy buttons, no serious accessibility violation (axe-core) on any
// view, light and dark themes, a phone-sized screen, and screenshots of each.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import { conversationWithStoredReply } from '../support/stored-reply.ts';
import { testServices } from '../support/test-services.ts';
import {
  accessibilityViolations,
  eventually,
  lastReply,
  messages,
  openPage,
  PASSWORD,
  register,
  uniqueEmail,
  useZerochatInChromium,
} from './page.ts';

const PAGE_MS = 90_000;
/** The first load's JavaScript, as transferred (gzip or brotli). */
const FIRST_LOAD_BUDGET_BYTES = 150 * 1024;

const browser = useZerochatInChromium({ CHAT_MAX_NUM_PREDICT: '64' }, { ownOllama: true });
const newContext = browser.newContext;
let screenshots: string;

beforeAll(async () => {
  screenshots = await mkdtemp(join(testServices().scratchDir, 'screenshots-'));
});

/**
 * A signed-in person with one conversation whose stored reply is `reply` (a real reply from
 * the model, its content then replaced in MongoDB, as if the model had written it).
 */
async function conversationWithReply(page: Page, reply: string, question = 'Show me') {
  const email = uniqueEmail('reader');
  await register(page, email);
  const login = await apiClient(browser.zerochat.baseUrl).json<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password: PASSWORD },
  });
  const id = await conversationWithStoredReply({
    baseUrl: browser.zerochat.baseUrl,
    token: login.body.accessToken,
    db: browser.database.db,
    question,
    reply,
  });
  await page.goto(`${browser.zerochat.baseUrl}/c/${id}`);
  await eventually(() => lastReply(page).locator('.markdown').isVisible()).toBe(true);
  return id;
}

describe('the first load', () => {
  it(
    'is sent with a strict CSP, and fetches at most 150 KB of JavaScript',
    async () => {
      const context = await newContext();
      const page = await context.newPage();
      const scripts: Array<Promise<number>> = [];
      page.on('requestfinished', (request) => {
        if (request.resourceType() === 'script') scripts.push(request.sizes().then((sizes) => sizes.responseBodySize));
      });
      const response = await page.goto(`${browser.zerochat.baseUrl}/`);
      await eventually(() => page.getByRole('heading', { name: 'Sign in to zerochat' }).isVisible()).toBe(true);
      const csp = response?.headers()['content-security-policy'] ?? '';
      const directives = new Map(
        csp.split(';').map((part) => {
          const [name = '', ...values] = part.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(directives.get('default-src')).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      const sizes = await Promise.all(scripts);
      expect(sizes.length).toBeGreaterThan(0);
      const total = sizes.reduce((sum, size) => sum + size, 0);
      expect(total).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
      // Compressed on the wire: the budget counts what is transferred.
      expect(total).toBeLessThan(((await page.evaluate('document.scripts.length')) as number) * 200 * 1024);
    },
    PAGE_MS,
  );

  it(
    'refuses an inline script, as its CSP says',
    async () => {
      const { page } = await openPage(await newContext(), browser.zerochat.baseUrl);
      const violations: string[] = [];
      page.on('console', (message) => violations.push(message.text()));
      await page
        .evaluate(
          "{ const script = document.createElement('script'); script.textContent = 'window.__inline = 1'; document.body.append(script); }",
        )
        .catch(() => undefined);
      expect(await page.evaluate('window.__inline')).toBeUndefined();
    },
    PAGE_MS,
  );
});

describe('a reply', () => {
  it(
    'with HTML, javascript: links and an image renders them inert: HTML as text, no handler ever compiled',
    async () => {
      const { page, problems } = await openPage(await newContext(), browser.zerochat.baseUrl);
      const payload = [
        'Here: <img src=x onerror="window.__xss=1;alert(1)">',
        '',
        '[click me](javascript:window.__xss=2) and <a href="javascript:alert(3)">this</a>',
        '',
        '<script>window.__xss=4</script><iframe src="javascript:alert(5)"></iframe>',
        '<svg onload="window.__xss=6"></svg> <b onmouseover="window.__xss=7">bold</b>',
        '',
        '![tracker](https://example.com/pixel.png) and [a real link](https://example.com/docs)',
      ].join('\n');
      await conversationWithReply(page, payload, '<img src=x onerror="window.__xss=8">');
      const reply = lastReply(page).locator('.markdown');
      await reply.getByText('click me').click();
      await reply.getByText('bold').hover();
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await reply.locator('img, script, iframe, svg, [onerror], [onload], [onmouseover]').count()).toBe(0);
      const hrefs = await reply.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      // The Markdown link lost its javascript: target; the HTML one is shown as text.
      expect(hrefs).toEqual([null, 'https://example.com/docs']);
      expect(await reply.getByText('<a href="javascript:alert(3)">this</a>', { exact: false }).isVisible()).toBe(true);
      expect(await reply.getByRole('link', { name: 'a real link' }).getAttribute('rel')).toContain('noopener');
      // The person's own message is text, never HTML.
      expect(await messages(page).first().getByText('<img src=x onerror="window.__xss=8">').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    },
    PAGE_MS,
  );

  it(
    'highlights code, and its copy button copies the code',
    async () => {
      const context = await newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
      const { page, problems } = await openPage(context, browser.zerochat.baseUrl);
      const code = 'const answer = 42;\nfunction ask() {\n  return answer;\n}';
      await conversationWithReply(page, `A function:\n\n\`\`\`js\n${code}\n\`\`\`\n\nAnd **bold** text.`);
      const block = lastReply(page).locator('pre');
      expect(await block.locator('.hljs-keyword').first().textContent()).toBe('const');
      expect(await lastReply(page).locator('strong').textContent()).toBe('bold');
      await block.getByRole('button', { name: 'Copy js code' }).click();
      await eventually(() => page.evaluate('navigator.clipboard.readText()')).toBe(code);
      expect(problems).toEqual([]);
    },
    PAGE_MS,
  );
});

describe('accessibility (axe-core: no serious or critical violation)', () => {
  it(
    'holds on the sign-in and registration forms',
    async () => {
      const { page } = await openPage(await newContext(), browser.zerochat.baseUrl);
      await eventually(() => page.getByRole('heading', { name: 'Sign in to zerochat' }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create an account' }).click();
      expect(await accessibilityViolations(page)).toEqual([]);
    },
    PAGE_MS,
  );

  it.each(['light', 'dark'] as const)(
    'holds on a new chat, a conversation, settings and a dialog, in %s',
    async (colorScheme) => {
      const { page } = await openPage(await newContext({ colorScheme }), browser.zerochat.baseUrl);
      await conversationWithReply(
        page,
        '# A heading\n\nSome `code`, a [link](https://example.com).\n\n```python\nprint("hi")\n```',
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      // A regenerated reply's versions ("2 / 2" and its arrows), and a question being edited.
      await lastReply(page).getByRole('button', { name: 'Regenerate the reply' }).click();
      await eventually(() => lastReply(page).getByText('2 / 2').isVisible()).toBe(true);
      await page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'Edit your message' }).click();
      await eventually(() => page.getByRole('textbox', { name: 'Edit your message' }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByRole('link', { name: 'New chat' }).click();
      await eventually(() => page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Settings' }).click();
      await eventually(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page
        .getByRole('button', { name: /^Delete “/ })
        .first()
        .click();
      expect(await accessibilityViolations(page)).toEqual([]);
    },
    PAGE_MS,
  );

  it(
    'holds on the admin console',
    async () => {
      const admin = JSON.parse(await readFile(join(browser.zerochat.dataDir, 'admin.json'), 'utf8')) as {
        email: string;
        password: string;
      };
      const { page } = await openPage(await newContext(), browser.zerochat.baseUrl, '/console');
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await eventually(() => page.getByRole('heading', { name: /MongoDB/ }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
    },
    PAGE_MS,
  );

  it(
    'holds on a phone, with the menu open; Escape closes it and gives focus back',
    async () => {
      const { page } = await openPage(
        await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }),
        browser.zerochat.baseUrl,
      );
      await register(page, uniqueEmail('phone'));
      const menu = page.getByRole('button', { name: 'Conversations menu' });
      expect(await page.getByRole('link', { name: 'New chat' }).isVisible()).toBe(false);
      await menu.click();
      await eventually(() => page.getByRole('link', { name: 'New chat' }).isVisible()).toBe(true);
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await eventually(() => menu.getAttribute('aria-expanded')).toBe('false');
      expect(await menu.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true);
    },
    PAGE_MS,
  );
});

describe('keyboard and themes', () => {
  it(
    'offers a skip link first, and sends a message with the keyboard alone',
    async () => {
      const { page } = await openPage(await newContext(), browser.zerochat.baseUrl);
      await register(page, uniqueEmail('keys'));
      // A page without a focused field: the first Tab reaches the skip link, which leads to the content.
      await page.goto(`${browser.zerochat.baseUrl}/settings`);
      await eventually(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true);
      await page.keyboard.press('Tab');
      await eventually(() => page.evaluate('document.activeElement.className')).toBe('skip-link');
      await page.keyboard.press('Enter');
      await eventually(() => page.evaluate('document.activeElement.id')).toBe('main');
      await page.getByRole('link', { name: 'New chat' }).click();
      await eventually(() => page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);
      // The composer has the focus on a new chat: typing and Enter send.
      await page.getByRole('textbox', { name: 'Message' }).focus();
      await page.keyboard.type('Hello from the keyboard');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/c\/[0-9a-f]{24}$/);
      await eventually(() =>
        page.getByRole('list', { name: 'Messages' }).getByText('Hello from the keyboard').isVisible(),
      ).toBe(true);
    },
    PAGE_MS,
  );

  it(
    'follows the system: light and dark backgrounds, and screenshots of each on desktop and phone',
    async () => {
      const { page } = await openPage(await newContext(), browser.zerochat.baseUrl);
      await conversationWithReply(page, 'Sure! Here is **Markdown** with code:\n\n```js\nconsole.log("hello");\n```');
      const shots: Record<string, string> = {};
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const background = (await page.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
        const [red = 0] = (background.match(/\d+/g) ?? []).map(Number);
        if (colorScheme === 'dark') expect(red).toBeLessThan(60);
        else expect(red).toBeGreaterThan(200);
        for (const [device, viewport] of [
          ['desktop', { width: 1280, height: 800 }],
          ['phone', { width: 390, height: 844 }],
        ] as const) {
          await page.setViewportSize(viewport);
          const path = join(screenshots, `${colorScheme}-${device}.png`);
          await page.screenshot({ path });
          shots[`${colorScheme}-${device}`] = path;
        }
      }
      await writeFile(join(screenshots, 'index.json'), JSON.stringify(shots, null, 2));
      expect(Object.keys(shots)).toHaveLength(4);
    },
    PAGE_MS,
  );
});
