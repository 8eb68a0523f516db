import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { renderMarkdown } from '../markdown/render.ts';
import { copyText } from './copy-text.ts';

/** Adds a copy button to each code block; built with DOM calls, not HTML. */
function addCopyButtons(container: HTMLElement) {
  for (const pre of container.querySelectorAll('pre')) {
    if (pre.querySelector(':scope > button.copy')) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    const language = pre.dataset.language;
    button.textContent = 'Copy';
    button.setAttribute('aria-label', language ? `Copy ${language} code` : 'Copy code');
    button.addEventListener('click', async () => {
      const copied = await copyText(pre.querySelector('code')?.textContent ?? '');
      button.textContent = copied ? 'Copied' : 'Copy failed';
      setTimeout(() => {
        button.textContent = 'Copy';
      }, 1500);
    });
    pre.prepend(button);
  }
}

/** A reply's Markdown, sanitized (markdown/render.ts), with copy buttons on code blocks. */
export function Markdown({ source }: { source: string }) {
  const container = useRef<HTMLDivElement>(null);
  const html = useMemo(() => renderMarkdown(source), [source]);
  useLayoutEffect(() => {
    if (container.current) addCopyButtons(container.current);
  }, [html]);
  // TrustedHTML is what Preact hands to innerHTML; its type says string.
  return <div class="markdown" ref={container} dangerouslySetInnerHTML={{ __html: html as string }} />;
}
