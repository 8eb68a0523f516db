import { useEffect, useState } from 'preact/hooks';
import { Session } from './api/session.ts';
import { SignIn } from './views/SignIn.tsx';
import { Workspace } from './views/Workspace.tsx';

const session = new Session();

export function App() {
  const [user, setUser] = useState(session.user);
  const [restoring, setRestoring] = useState(true);
  useEffect(() => {
    const unsubscribe = session.subscribe(() => setUser(session.user));
    session.restore().finally(() => {
      setUser(session.user);
      setRestoring(false);
    });
    const stopWatching = session.watch();
    return () => {
      unsubscribe();
      stopWatching();
    };
  }, []);

  if (restoring) return <p class="loading splash">Loading zerochat…</p>;
  // A new Workspace per person: nothing of one account's state is shown to the next.
  return user ? <Workspace key={user.id} session={session} user={user} /> : <SignIn session={session} />;
}
