import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from './ErrorNotice.tsx';

/**
 * A view loaded on first use: pages few people open (settings, the admin console) stay out
 * of the first load's JavaScript.
 */
export function Lazy({ load }: { load: () => Promise<{ default: ComponentType }> }) {
  const [view, setView] = useState<{ Component: ComponentType } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    load().then(
      (module) => current && setView({ Component: module.default }),
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [load]);
  if (error)
    return (
      <ErrorNotice words={{ title: 'This page could not be loaded', detail: 'Check your connection and reload.' }} />
    );
  return view ? <view.Component /> : <p class="loading">Loading…</p>;
}
