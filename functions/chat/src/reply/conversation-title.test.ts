import { describe, expect, it } from 'vitest';
import { cleanTitle } from './conversation-title.ts';

describe('a title the model wrote', () => {
  it.each([
    ['Trip to Lisbon', 'Trip to Lisbon'],
    ['"Trip to Lisbon."', 'Trip to Lisbon'],
    ['Title: **Trip to Lisbon**\nMore words', 'Trip to Lisbon'],
    ['# Trip   to\tLisbon', 'Trip to Lisbon'],
  ])('is cleaned: %j gives %j', (written, title) => {
    expect(cleanTitle(written)).toBe(title);
  });

  it('is refused when it holds no letter or digit', () => {
    expect(cleanTitle('  "" ...\n')).toBeUndefined();
    expect(cleanTitle('')).toBeUndefined();
  });

  it('is cut at a word, within 60 characters', () => {
    const title = cleanTitle('word '.repeat(30)) ?? '';
    expect([...title].length).toBeLessThanOrEqual(60);
    expect(title.endsWith('word…')).toBe(true);
  });
});
