import { useEffect, useState } from 'preact/hooks';

/** Says so while the browser is offline; requests then fail with words, not silently. */
export function OfflineBanner() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  if (online) return null;
  return (
    <div class="banner offline" role="status">
      You are offline. zerochat will carry on when the connection is back.
    </div>
  );
}
