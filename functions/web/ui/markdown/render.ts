import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';
import type { TrustedHTML } from 'trusted-types/lib/index.js';
import { highlight } from './highlight.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // HTML in a reply is shown as the text it is, as a chat shows code: it never becomes elements.
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code) {
      const language = (lang ?? '').trim().split(/\s/)[0]?.toLowerCase() ?? '';
      const highlighted = highlight(text, language);
      const label = /^[\w+#-]{1,30}$/.test(language) ? language : '';
      return `<pre${label ? ` data-language="${label}"` : ''}><code class="hljs${highlighted ? ` language-${label}` : ''}">${highlighted ?? escapeHtml(text)}</code></pre>\n`;
    },
  },
});

/** What Markdown may become: text structure, links, code; no media, forms, styles or scripts. */
const ALLOWED_TAGS = [
  'a',
  'b',
  'blockquote',
  'br',
  'code',
  'del',
  'details',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'kbd',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'align', 'data-language'];
/** Links only to the web and to mail: no javascript:, data: or relative paths into the app. */
const SAFE_URL = /^(?:https?:|mailto:)/i;
/** The classes the highlighter writes; anything else could borrow the page's own styles. */
const SAFE_CLASS = /^(hljs(-[\w-]+)?|language-[\w+#-]+)$/;

const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'class') {
    data.attrValue = data.attrValue
      .split(/\s+/)
      .filter((name) => SAFE_CLASS.test(name))
      .join(' ');
  }
});
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/**
 * A reply's Markdown as HTML that is safe to insert: marked renders it (HTML in it escaped, as
 * text), then DOMPurify keeps only the allowed elements and attributes. The result is a
 * TrustedHTML where the browser has Trusted Types, which the page's CSP requires for innerHTML.
 */
export function renderMarkdown(source: string): TrustedHTML | string {
  const html = marked.parse(source) as string;
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URL,
    RETURN_TRUSTED_TYPE: true,
  }) as TrustedHTML | string;
}
