import { describe, expect, it } from 'vitest';
import { escapeRegExp, literalPattern, snippetAround } from './search-text.ts';

describe('search text', () => {
  it.each(['(a+b)*c?', '.*', '^$', '[x]{2}|y', 'back\\slash', 'a/b', 'ß and ẞ'])(
    'matches %s literally and only literally',
    (query) => {
      expect(literalPattern(query).test(`before ${query} after`)).toBe(true);
      expect(new RegExp(escapeRegExp(query), 'u').source).toBe(escapeRegExp(query));
    },
  );

  it('is blind to case', () => {
    expect(literalPattern('LISBON').test('a trip to lisbon')).toBe(true);
  });

  it('gives the text around the first match, with an ellipsis where it cut', () => {
    const text = `${'a'.repeat(100)} needle ${'b'.repeat(300)}`;
    const snippet = snippetAround(text, literalPattern('needle'));
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain('needle');
    expect(snippet.length).toBeLessThanOrEqual(162);
    expect(snippetAround('short text', literalPattern('text'))).toBe('short text');
  });

  it('never cuts an emoji in half', () => {
    const text = `${'😀'.repeat(30)}xneedle${'😀'.repeat(100)}`;
    const snippet = snippetAround(text, literalPattern('needle'));
    expect(snippet).toContain('needle');
    // A lone surrogate would not survive a round trip through UTF-8.
    expect(Buffer.from(snippet, 'utf8').toString('utf8')).toBe(snippet);
  });
});
