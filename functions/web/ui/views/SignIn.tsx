import { useState } from 'preact/hooks';
import { ApiError } from '../api/problem.ts';
import type { Session } from '../api/session.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NewPasswordField } from '../components/NewPasswordField.tsx';

/** Sign in, or create an account where registration is open. */
export function SignIn({ session }: { session: Session }) {
  const [mode, setMode] = useState<'sign-in' | 'register' | 'new-password'>('sign-in');
  const [newPassword, setNewPassword] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ended = session.ended?.reason;

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'register') await session.register(email.trim(), password, displayName.trim() || undefined);
      else await session.signIn(email.trim(), password, mode === 'new-password' ? newPassword : undefined);
    } catch (caught) {
      // An admin reset the password: the temporary one only lets the person choose a new one.
      if (caught instanceof ApiError && caught.code === 'password_change_required') {
        setMode('new-password');
        return;
      }
      setError(caught);
      if (caught instanceof ApiError && caught.code === 'registration_closed') setMode('sign-in');
    } finally {
      setBusy(false);
    }
  }

  const registering = mode === 'register';
  const choosing = mode === 'new-password';
  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          {registering ? 'Create your zerochat account' : choosing ? 'Choose a new password' : 'Sign in to zerochat'}
        </h1>
        {choosing ? (
          <p class="notice" role="status">
            Your password was reset by an administrator. Choose a new one to sign in.
          </p>
        ) : null}
        {ended && !error ? (
          <div class="notice" role="status">
            <strong>{ended.title}</strong> {ended.detail}
          </div>
        ) : null}
        <ErrorNotice error={error} />
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete={registering ? 'email' : 'username'}
            required
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </label>
        {registering ? (
          <label>
            Name <span class="hint">(optional)</span>
            <input
              name="name"
              autocomplete="name"
              maxLength={100}
              value={displayName}
              onInput={(event) => setDisplayName(event.currentTarget.value)}
            />
          </label>
        ) : null}
        <label>
          {choosing ? 'Temporary password' : 'Password'}
          <input
            type="password"
            name="password"
            autocomplete={registering ? 'new-password' : 'current-password'}
            required
            minLength={registering ? 8 : 1}
            maxLength={256}
            aria-describedby={registering ? 'password-hint' : undefined}
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {choosing ? <NewPasswordField label="New password" value={newPassword} onInput={setNewPassword} /> : null}
        {registering ? (
          <p class="hint" id="password-hint">
            At least 8 characters. A long phrase is easier to remember and harder to guess.
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Create account' : choosing ? 'Set password and sign in' : 'Sign in'}
        </button>
        <p class="switch">
          {registering ? 'Have an account?' : 'New here?'}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(registering ? 'sign-in' : 'register');
              setError(null);
            }}
          >
            {registering ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
