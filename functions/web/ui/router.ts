import { useEffect, useState } from 'preact/hooks';

// The page's own paths (functions/web/src/page-paths.ts serves index.html at each of them).
export type Route =
  | { name: 'home' }
  | { name: 'conversation'; id: string }
  | { name: 'settings' }
  | { name: 'console' }
  | { name: 'missing' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/') return { name: 'home' };
  if (pathname === '/settings') return { name: 'settings' };
  if (pathname === '/console') return { name: 'console' };
  const conversation = /^\/c\/([^/]+)$/.exec(pathname);
  if (conversation?.[1]) return { name: 'conversation', id: decodeURIComponent(conversation[1]) };
  return { name: 'missing' };
}

const CHANGED = 'zerochat:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current route; re-renders on back/forward and on navigate(). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return route;
}

/** For <a> elements: a plain click navigates in the page; a modified one does what the browser does. */
export function followLink(event: MouseEvent): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname);
}
