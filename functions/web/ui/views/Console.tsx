import { useEffect, useMemo, useState } from 'preact/hooks';
import { type AdminApi, adminApi, type BootstrapReport, type StatusDocument } from '../api/admin.ts';
import type { User } from '../api/types.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { copyText } from '../components/copy-text.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';

const HEALTH_WORDS: Record<string, string> = {
  ok: 'OK',
  degraded: 'Degraded',
  unavailable: 'Unavailable',
  not_configured: 'Not configured',
  changed: 'Changed',
  failed: 'Failed',
};

function Badge({ value }: { value: string }) {
  return <span class={`badge ${value}`}>{HEALTH_WORDS[value] ?? value}</span>;
}

const SECTION_NAMES: Record<string, string> = {
  mongodb: 'MongoDB',
  ollama: 'Ollama',
  kong: 'Kong',
  knative: 'Knative',
};
const label = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (first) => first.toUpperCase());

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <>—</>;
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>none</>;
    return (
      <ul class="plain">
        {value.map((item, index) => (
          <li key={index}>
            {typeof item === 'object' && item ? <Facts data={item as Record<string, unknown>} /> : String(item)}
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') return <Facts data={value as Record<string, unknown>} />;
  return <>{String(value)}</>;
}

function Facts({ data }: { data: Record<string, unknown> }) {
  return (
    <dl class="facts">
      {Object.entries(data)
        .filter(([key]) => key !== 'status')
        .map(([key, value]) => (
          <div key={key} class="fact">
            <dt>{label(key)}</dt>
            <dd>
              <Value value={value} />
            </dd>
          </div>
        ))}
    </dl>
  );
}

function Status({ admin }: { admin: AdminApi }) {
  const [status, setStatus] = useState<StatusDocument | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const refresh = async () => {
    setBusy(true);
    try {
      setStatus(await admin.status());
      setError(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);
  const sections = status
    ? Object.entries(status).filter(([, value]) => typeof value === 'object' && value !== null)
    : [];
  return (
    <section class="card" aria-labelledby="status-title" aria-busy={busy}>
      <div class="card-header">
        <h2 id="status-title">Status {status ? <Badge value={status.status} /> : null}</h2>
        <button type="button" onClick={() => void refresh()} disabled={busy}>
          {busy ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <ErrorNotice error={error} />
      {status ? <p class="hint">Checked {new Date(status.checkedAt).toLocaleString()}</p> : null}
      <div class="status-grid">
        {sections.map(([name, section]) => {
          const data = section as Record<string, unknown>;
          return (
            <section key={name} class="status-section" aria-labelledby={`status-${name}`}>
              <h3 id={`status-${name}`}>
                {SECTION_NAMES[name] ?? label(name)} <Badge value={String(data.status)} />
              </h3>
              <Facts data={data} />
            </section>
          );
        })}
      </div>
    </section>
  );
}

function UserRow({
  user,
  self,
  admin,
  onChanged,
  onRemoved,
  onNotice,
}: {
  user: User;
  self: boolean;
  admin: AdminApi;
  onChanged: (user: User) => void;
  onRemoved: (user: User, removed: Record<string, number>) => void;
  /** A one-time temporary password to show above the table. */
  onNotice: (notice: TemporaryPassword) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<'reset' | 'delete' | null>(null);
  const act = async (action: () => Promise<void>) => {
    setAsking(null);
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const change = async (changes: { role?: User['role']; disabled?: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await admin.changeUser(user.id, changes));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const who = user.displayName ? `${user.displayName} (${user.email})` : user.email;
  return (
    <tr>
      <th scope="row">
        {user.email}
        {self ? <span class="hint"> (you)</span> : null}
        {error ? <ErrorNotice error={error} /> : null}
      </th>
      <td>{user.displayName ?? '—'}</td>
      <td>
        <select
          aria-label={`Role of ${who}`}
          value={user.role}
          disabled={self || busy}
          onChange={(event) => void change({ role: event.currentTarget.value as User['role'] })}
        >
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
      </td>
      <td>{user.disabled ? <span class="badge failed">Disabled</span> : <span class="badge ok">Enabled</span>}</td>
      <td>
        <button
          type="button"
          class={user.disabled ? '' : 'danger'}
          disabled={self || busy}
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${who}`}
          onClick={() => void change({ disabled: !user.disabled })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>{' '}
        <button
          type="button"
          disabled={busy}
          aria-label={`Reset password of ${who}`}
          onClick={() => setAsking('reset')}
        >
          Reset password
        </button>{' '}
        <button
          type="button"
          class="danger"
          disabled={self || busy}
          aria-label={`Delete ${who}`}
          onClick={() => setAsking('delete')}
        >
          Delete
        </button>
        {asking === 'reset' ? (
          <ConfirmDialog
            title="Reset this password?"
            confirmLabel="Reset password"
            onCancel={() => setAsking(null)}
            onConfirm={() =>
              void act(async () => {
                const reset = await admin.resetPassword(user.id);
                onChanged(reset.user);
                onNotice({ email: user.email, password: reset.temporaryPassword, why: 'reset' });
              })
            }
          >
            <p>
              {who} is signed out everywhere and gets a temporary password, shown to you once, with which they choose a
              new one.
            </p>
          </ConfirmDialog>
        ) : null}
        {asking === 'delete' ? (
          <ConfirmDialog
            title="Delete this account?"
            confirmLabel="Delete account"
            danger
            onCancel={() => setAsking(null)}
            onConfirm={() => void act(async () => onRemoved(user, (await admin.deleteUser(user.id)).removed))}
          >
            <p>
              {who} and everything of theirs (conversations, messages, sessions) will be deleted. This cannot be undone.
            </p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

/** A temporary password the API answered once: shown until the admin dismisses it. */
interface TemporaryPassword {
  email: string;
  password: string;
  why: 'created' | 'reset';
}

function TemporaryPasswordNotice({ notice, onDismiss }: { notice: TemporaryPassword; onDismiss: () => void }) {
  return (
    <div class="notice success" role="status">
      <p>
        {notice.why === 'created' ? 'Account created' : 'Password reset'} for {notice.email}. Temporary password (shown
        only now; they choose a new one when they sign in): <code class="secret">{notice.password}</code>
      </p>
      <button type="button" onClick={() => void copyText(notice.password)}>
        Copy password
      </button>{' '}
      <button type="button" onClick={onDismiss}>
        Done
      </button>
    </div>
  );
}

function CreateUser({
  admin,
  onCreated,
}: {
  admin: AdminApi;
  onCreated: (user: User, notice: TemporaryPassword | null) => void;
}) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<User['role']>('user');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await admin.createUser({
        email: email.trim(),
        role,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      onCreated(
        created.user,
        created.temporaryPassword
          ? { email: created.user.email, password: created.temporaryPassword, why: 'created' }
          : null,
      );
      setEmail('');
      setDisplayName('');
      setRole('user');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="create-user" onSubmit={submit} aria-labelledby="create-user-title">
      <h3 id="create-user-title">Create an account</h3>
      <label>
        Email
        <input type="email" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
      </label>
      <label>
        Name <span class="hint">(optional)</span>
        <input maxLength={100} value={displayName} onInput={(event) => setDisplayName(event.currentTarget.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(event) => setRole(event.currentTarget.value as User['role'])}>
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create account'}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function Users({ admin }: { admin: AdminApi }) {
  const { user: me } = useWorkspace();
  const [users, setUsers] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [notice, setNotice] = useState<TemporaryPassword | null>(null);
  const [removal, setRemoval] = useState<string | null>(null);
  const load = async (more: boolean) => {
    try {
      const page = await admin.users({
        cursor: more ? (cursor ?? undefined) : undefined,
        email: email.trim() || undefined,
      });
      setUsers((shown) => (more ? [...shown, ...page.users] : page.users));
      setCursor(page.nextCursor);
      setError(null);
      setLoaded(true);
    } catch (caught) {
      setError(caught);
    }
  };
  useEffect(() => {
    void load(false);
  }, []);
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form
        class="user-search"
        onSubmit={(event) => {
          event.preventDefault();
          void load(false);
        }}
      >
        <label>
          Find by email
          <input type="search" value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
      <ErrorNotice error={error} />
      {notice ? <TemporaryPasswordNotice notice={notice} onDismiss={() => setNotice(null)} /> : null}
      {removal ? (
        <p class="notice" role="status">
          {removal}
        </p>
      ) : null}
      {loaded && users.length === 0 && !error ? <p class="hint">No user with this address.</p> : null}
      <div class="table-scroll">
        <table class="users">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                self={user.id === me.id}
                admin={admin}
                onChanged={(changed) =>
                  setUsers((shown) => shown.map((item) => (item.id === changed.id ? changed : item)))
                }
                onRemoved={(removed, counts) => {
                  setUsers((shown) => shown.filter((item) => item.id !== removed.id));
                  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
                  setRemoval(`${removed.email} is deleted: ${total} records removed.`);
                }}
                onNotice={setNotice}
              />
            ))}
          </tbody>
        </table>
      </div>
      {cursor ? (
        <button type="button" class="link" onClick={() => void load(true)}>
          Show more users
        </button>
      ) : null}
      <CreateUser
        admin={admin}
        onCreated={(created, temporary) => {
          setUsers((shown) => [created, ...shown]);
          setNotice(temporary);
        }}
      />
    </section>
  );
}

function Bootstrap({ admin }: { admin: AdminApi }) {
  const [report, setReport] = useState<BootstrapReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await admin.bootstrap());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="bootstrap-title" aria-busy={busy}>
      <div class="card-header">
        <h2 id="bootstrap-title">Bootstrap</h2>
        <button type="button" class="primary" onClick={() => void run()} disabled={busy}>
          {busy ? 'Running…' : 'Run bootstrap'}
        </button>
      </div>
      <p class="hint">
        Makes sure the database indexes, the first admin, the models and the gateway configuration are in place. Safe to
        run again: steps with nothing to do report OK.
      </p>
      <ErrorNotice error={error} />
      {report ? (
        <div class="table-scroll" role="status">
          <table>
            <caption>
              Bootstrap <Badge value={report.status} /> in {report.durationMs} ms
            </caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Outcome</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {report.steps.map((step) => (
                <tr key={step.step}>
                  <th scope="row">{step.step}</th>
                  <td>
                    <Badge value={step.outcome} />
                  </td>
                  <td>{step.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The admin console: the status document, the users, and the bootstrap. */
export default function Console() {
  const { session } = useWorkspace();
  const admin = useMemo(() => adminApi(session), [session]);
  return (
    <section class="page console" aria-labelledby="console-title">
      <h1 id="console-title">Admin console</h1>
      <Status admin={admin} />
      <Users admin={admin} />
      <Bootstrap admin={admin} />
    </section>
  );
}
