import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { type Chromium, launchChromium } from '../support/chromium.ts';
import { type OneProcess, startOneProcess } from '../support/one-process.ts';
import { useOwnOllama } from '../support/own-ollama.ts';
import { type PacedOllama, startPacedOllama } from '../support/paced-ollama.ts';
import { type TestDatabase, testServices, useTestDatabase } from '../support/test-services.ts';

// What a person does on zerochat's page, as steps the journeys share. Elements are found the
// way a screen reader finds them: by role and accessible name.

export const PASSWORD = 'a long passphrase of my own 42';

/**
 * expect.poll with room for a busy machine: the page answers in milliseconds, but a model may
 * be loading and other test files run beside this one.
 */
export function eventually<T>(value: () => T | Promise<T>, timeout = 20_000) {
  return expect.poll(value, { timeout, interval: 100 });
}

let counter = 0;
export const uniqueEmail = (who: string) => `${who}-${process.pid}-${++counter}@example.com`;

/** Page errors and any CSP or Trusted Types violation: none is expected anywhere. */
export function watchForViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|TrustedHTML|Trusted Type/i.test(text)) problems.push(`violation: ${text}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

export async function openPage(context: BrowserContext, baseUrl: string, path = '/') {
  const page = await context.newPage();
  const problems = watchForViolations(page);
  await page.goto(`${baseUrl}${path}`);
  return { page, problems };
}

export async function register(page: Page, email: string, name = 'Ada') {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await eventually(() => page.getByRole('heading', { name: 'New chat' }).isVisible()).toBe(true);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
export const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
export const lastReply = (page: Page) => messages(page).last();

/** Writes a message and sends it with Enter, as a person does. */
export async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

export async function signedOut(page: Page) {
  return page.getByRole('heading', { name: 'Sign in to zerochat' }).isVisible();
}

let axeSource: Promise<string> | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await axeSource);
  const violations = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then((result) => result.violations)",
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    );
}

export interface BrowserSetup {
  readonly database: TestDatabase;
  /** zerochat as `npm start` runs it, for this file. */
  readonly zerochat: OneProcess;
  /** A new browser profile (closed after the file), like another person's browser. */
  newContext(options?: Parameters<Chromium['newContext']>[0]): Promise<BrowserContext>;
}

/**
 * For a test file: a database of its own, zerochat (`npm start`) on it with `env` (and, with
 * `ownOllama`, on an Ollama of the file's own; with `linesPerSecond`, replies paced so: see
 * startPacedOllama), and a Chromium; all stopped after the file's tests. Call at the top
 * level of the file.
 */
export function useZerochatInChromium(
  env: Record<string, string>,
  options: { ownOllama?: boolean; linesPerSecond?: number } = {},
): BrowserSetup {
  const database = useTestDatabase();
  // Long replies keep an Ollama busy: on an Ollama of the file's own, they slow no other file.
  // Four generation slots, as compose and Kubernetes run it: journeys stop replies, and Ollama
  // 0.24 can keep an aborted stream's slot for good (see useOwnOllama's recover), which with
  // one slot would leave every later reply of the file waiting.
  const ollama = options.ownOllama ? useOwnOllama({ OLLAMA_NUM_PARALLEL: '4' }) : undefined;
  let paced: PacedOllama | undefined;
  let zerochat: OneProcess | undefined;
  let chromium: Chromium | undefined;
  const contexts: BrowserContext[] = [];
  const trail = failureTrail(() => zerochat);
  beforeAll(async () => {
    const host = ollama?.server.host ?? testServices().ollamaHost;
    if (options.linesPerSecond) paced = await startPacedOllama(host, options.linesPerSecond);
    const ollamaEnv: Record<string, string> = paced
      ? { OLLAMA_HOST: paced.host }
      : ollama
        ? { OLLAMA_HOST: ollama.server.host }
        : {};
    [zerochat, chromium] = await Promise.all([
      startOneProcess({ database: database.name, env: { ...ollamaEnv, ...env } }),
      launchChromium(),
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await zerochat?.stop();
    await paced?.stop();
  });
  return {
    database,
    get zerochat() {
      if (!zerochat) throw new Error('zerochat is not started yet');
      return zerochat;
    },
    async newContext(options) {
      if (!chromium) throw new Error('Chromium is not started yet');
      const context = await chromium.newContext(options);
      contexts.push(context);
      trail.follow(context);
      return context;
    },
  };
}

/**
 * What a failed browser test leaves to look into: the page's requests and console, and
 * zerochat's log lines, from the test's start; printed only when the test fails.
 */
function failureTrail(zerochat: () => OneProcess | undefined) {
  let started = 0;
  let events: string[] = [];
  let logsFrom = 0;
  let stderrFrom = 0;
  const note = (line: string) => events.push(`${(performance.now() - started).toFixed(0).padStart(6)} ms ${line}`);
  beforeEach(() => {
    started = performance.now();
    events = [];
    logsFrom = zerochat()?.process.logs.length ?? 0;
    stderrFrom = zerochat()?.process.stderr.length ?? 0;
  });
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    const process = zerochat()?.process;
    const logs = (process?.logs.slice(logsFrom) ?? []).map((entry) => JSON.stringify(entry));
    const stderr = process?.stderr.slice(stderrFrom).trim() ?? '';
    globalThis.process.stderr.write(
      [
        `--- [browser trail] ${context.task.name}`,
        ...events,
        '--- zerochat log',
        ...logs,
        ...(stderr ? ['--- zerochat stderr', stderr] : []),
        '--- end of trail',
        '',
      ].join('\n'),
    );
  });
  return {
    follow(context: BrowserContext) {
      context.on('request', (request) => note(`→ ${request.method()} ${request.url()}`));
      context.on('response', (response) =>
        note(`← ${response.status()} ${response.request().method()} ${response.url()}`),
      );
      context.on('requestfinished', (request) => note(`✓ ${request.method()} ${request.url()} body read`));
      context.on('requestfailed', (request) =>
        note(`✗ ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? ''}`),
      );
      context.on('console', (message) => note(`console.${message.type()}: ${message.text()}`));
      context.on('weberror', (error) => note(`page error: ${error.error().message}`));
    },
  };
}
