// How a search query is matched: as literal text, whatever characters it holds, and without
// regard to case.

/** Escapes every character a regular expression gives a meaning (JavaScript, PCRE and RE2 alike). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The query as a case-insensitive pattern that matches it literally. */
export function literalPattern(query: string): RegExp {
  return new RegExp(escapeRegExp(query), 'iu');
}

/** Text on one line, as the index keeps it. */
export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const SNIPPET_BEFORE = 40;
const SNIPPET_CHARS = 160;

/** The part of `text` around the first match, with an ellipsis where it was cut. */
export function snippetAround(text: string, pattern: RegExp): string {
  const at = Math.max(0, text.search(pattern));
  let start = Math.max(0, at - SNIPPET_BEFORE);
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  // Never half an emoji: a cut between the halves of a surrogate pair moves inward.
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
