// A tiny bench:search on the test services: the harness works end to end and its report has
// every row. The figures are not checked; a test machine's are noise.
import { describe, expect, it } from 'vitest';
import { testServices } from '../../test/support/test-services.ts';
import { renderSearchMarkdown } from './render.ts';
import { runSearchBenchmark } from './run-search.ts';

describe('bench:search', () => {
  it('measures each search and the $regex beside them, and finds the one needle', async () => {
    const report = await runSearchBenchmark({
      messages: 60,
      conversations: 6,
      repeats: 1,
      env: { MONGODB_URI: testServices().mongoUri },
      progress: () => undefined,
    });
    expect(report.rows.map((row) => row.name)).toEqual([
      'search: a rare word',
      'search: a word in every conversation',
      'search: pattern characters, once in 60 messages',
      'search: nothing matches',
      'the list without a search',
      'without the index: $regex over the messages',
      'the list while the index is folded',
    ]);
    const found = Object.fromEntries(report.rows.map((row) => [row.name, row.found]));
    expect(found['search: pattern characters, once in 60 messages']).toBe(1);
    expect(found['search: nothing matches']).toBe(0);
    expect(found['search: a word in every conversation']).toBe(6);
    expect(found['the list while the index is folded']).toBe(5);
    expect(report.indexBytes.stored).toBeGreaterThan(0);
    expect(renderSearchMarkdown(report)).toContain('| search: a rare word |');
  }, 60_000);
});
