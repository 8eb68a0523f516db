import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NewPasswordField } from '../components/NewPasswordField.tsx';
import { useWorkspace } from '../context.ts';
import { ApiKeys } from './ApiKeys.tsx';
import { ChatDefaults } from './ChatDefaults.tsx';
import { Transfer } from './Transfer.tsx';

function ChangePassword() {
  const { session } = useWorkspace();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat !== '' && repeat !== next;

  async function submit(event: Event) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await session.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card settings-section" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <p class="hint">Changing it signs you out everywhere else.</p>
      <input type="text" name="username" autocomplete="username" value={session.user?.email} hidden readOnly />
      <label>
        Current password
        <input
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(event) => setCurrent(event.currentTarget.value)}
        />
      </label>
      <NewPasswordField label="New password" value={next} onInput={setNext} />
      <label>
        New password again
        <input
          type="password"
          autocomplete="new-password"
          required
          aria-invalid={mismatch}
          aria-describedby={mismatch ? 'repeat-hint' : undefined}
          value={repeat}
          onInput={(event) => setRepeat(event.currentTarget.value)}
        />
      </label>
      {mismatch ? (
        <p class="field-error" id="repeat-hint">
          The two new passwords differ.
        </p>
      ) : null}
      <ErrorNotice error={error} />
      {done ? (
        <p class="notice success" role="status">
          Your password is changed. Other sessions are signed out.
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy || mismatch}>
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}

/** The person's own settings. */
export default function Settings() {
  const { user } = useWorkspace();
  return (
    <section class="page settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <section class="card settings-section" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl class="facts">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Name</dt>
          <dd>{user.displayName ?? '—'}</dd>
          <dt>Role</dt>
          <dd>{user.role === 'admin' ? 'Administrator' : 'User'}</dd>
        </dl>
      </section>
      <ChatDefaults />
      <ChangePassword />
      <ApiKeys />
      <Transfer />
    </section>
  );
}
