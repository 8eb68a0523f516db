import type { BrowserContext } from 'playwright-core';

/** One load of the page, signed in, until the conversation list is painted. */
export interface PageLoadSample {
  /** Bytes on the wire (headers and bodies as transferred), by what they were. */
  bytes: { document: number; script: number; stylesheet: number; api: number; other: number; total: number };
  /** ms from navigation start to the first contentful paint. */
  firstPaintMs: number;
  /** ms from navigation start to the frame that shows the conversation list. */
  listPaintedMs: number;
}

const KIND: Record<string, keyof Omit<PageLoadSample['bytes'], 'total'>> = {
  document: 'document',
  script: 'script',
  stylesheet: 'stylesheet',
  fetch: 'api',
  xhr: 'api',
};

/**
 * Loads `url` in a new tab of `context` (whose cookies hold a session) and times it. `cold`:
 * the browser's cache is off, as on a first visit; otherwise hashed files come from the cache.
 */
export async function measurePageLoad(context: BrowserContext, url: string, cold: boolean): Promise<PageLoadSample> {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
    const transfers: Array<Promise<[keyof PageLoadSample['bytes'], number]>> = [];
    page.on('requestfinished', (request) => {
      transfers.push(
        request
          .sizes()
          .then((sizes) => [
            KIND[request.resourceType()] ?? 'other',
            sizes.responseHeadersSize + sizes.responseBodySize,
          ]),
      );
    });
    await page.goto(url);
    await page.locator('.conversation-list li').first().waitFor();
    // The frame after the list is in the DOM is the one that shows it.
    const timing = (await page.evaluate(
      `new Promise((resolve) => requestAnimationFrame(() => resolve({
        listPaintedMs: performance.now(),
        firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      })))`,
    )) as { listPaintedMs: number; firstPaintMs: number };
    await page.waitForLoadState('networkidle');
    const bytes = { document: 0, script: 0, stylesheet: 0, api: 0, other: 0, total: 0 };
    for (const [kind, size] of await Promise.all(transfers)) {
      bytes[kind] += size;
      bytes.total += size;
    }
    return { bytes, ...timing };
  } finally {
    await page.close();
  }
}
