import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ApiKey, type ApiKeysApi, apiKeysApi } from '../api/api-keys.ts';
import { isMissingRoute } from '../api/problem.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { copyText } from '../components/copy-text.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';

const EXPIRIES = [
  { label: 'Never', days: undefined },
  { label: 'In 30 days', days: 30 },
  { label: 'In 90 days', days: 90 },
  { label: 'In a year', days: 365 },
] as const;

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
const moment = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const count = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

function usageWords({ usage, lastUsedAt }: ApiKey): string {
  if (!lastUsedAt) return 'Never used';
  return `Last used ${moment(lastUsedAt)} · ${count(usage.requests, 'request')}, ${count(usage.promptTokens, 'prompt token')}, ${count(usage.completionTokens, 'completion token')}`;
}

/** A key the API answered once, shown until the person says they have it. */
function NewKeyNotice({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const copy = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => copy.current?.focus(), []);
  return (
    <div class="notice success new-key" role="status">
      <p>
        Your new key “{name}”. Copy it now: it is shown only this once. <code class="secret">{secret}</code>
      </p>
      <button type="button" ref={copy} onClick={() => void copyText(secret).then(setCopied)}>
        {copied ? 'Copied' : 'Copy key'}
      </button>{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

function CreateKey({
  api,
  onCreated,
}: {
  api: ApiKeysApi;
  onCreated: (created: { key: string; apiKey: ApiKey }) => void;
}) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const days = EXPIRIES[expiry]?.days;
      onCreated(await api.create({ name: name.trim(), ...(days ? { expiresInDays: days } : {}) }));
      setName('');
      setExpiry(0);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="create-key" onSubmit={submit} aria-labelledby="create-key-title">
      <h3 id="create-key-title">Create a key</h3>
      <label>
        Name
        <input
          required
          maxLength={100}
          placeholder="Open WebUI on my laptop"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <label>
        Expires
        <select value={expiry} onChange={(event) => setExpiry(Number(event.currentTarget.value))}>
          {EXPIRIES.map((option, index) => (
            <option key={option.label} value={index}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function KeyItem({
  apiKey,
  api,
  onChanged,
  onRevoked,
}: {
  apiKey: ApiKey;
  api: ApiKeysApi;
  onChanged: (key: ApiKey) => void;
  onRevoked: (key: ApiKey) => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (renaming) input.current?.select();
  }, [renaming]);
  const expired = apiKey.expiresAt !== null && Date.parse(apiKey.expiresAt) <= Date.now();

  // Enter and leaving the field both save; Escape cancels. Only the first of them counts.
  const editing = useRef(false);
  function startRenaming() {
    editing.current = true;
    setRenaming(true);
  }
  async function finishRenaming(name: string | null) {
    if (!editing.current) return;
    editing.current = false;
    setRenaming(false);
    renameButton.current?.focus();
    if (name === null || !name.trim() || name.trim() === apiKey.name) return;
    try {
      setError(null);
      onChanged(await api.rename(apiKey.id, name.trim()));
    } catch (caught) {
      setError(caught);
    }
  }
  async function revoke() {
    setRevoking(false);
    try {
      setError(null);
      await api.revoke(apiKey.id);
      onRevoked(apiKey);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <li class="api-key">
      <div class="api-key-name">
        {renaming ? (
          <input
            ref={input}
            aria-label={`New name for “${apiKey.name}”`}
            maxLength={100}
            defaultValue={apiKey.name}
            onKeyDown={(event) => {
              // Handled here: the key must not go on to press the Rename button, which has the focus next.
              if (event.key === 'Enter' || event.key === 'Escape') event.preventDefault();
              if (event.key === 'Enter') void finishRenaming(event.currentTarget.value);
              if (event.key === 'Escape') void finishRenaming(null);
            }}
            onBlur={(event) => void finishRenaming(event.currentTarget.value)}
          />
        ) : (
          <strong>{apiKey.name}</strong>
        )}{' '}
        <code>{apiKey.preview}</code> {expired ? <span class="badge failed">Expired</span> : null}
      </div>
      <p class="hint">
        Created {day(apiKey.createdAt)} ·{' '}
        {apiKey.expiresAt ? `${expired ? 'Expired' : 'Expires'} ${day(apiKey.expiresAt)}` : 'Never expires'}
        <br />
        {usageWords(apiKey)}
      </p>
      <div class="api-key-actions">
        <button type="button" ref={renameButton} aria-label={`Rename key “${apiKey.name}”`} onClick={startRenaming}>
          Rename
        </button>{' '}
        <button
          type="button"
          class="danger"
          aria-label={`Revoke key “${apiKey.name}”`}
          onClick={() => setRevoking(true)}
        >
          Revoke
        </button>
      </div>
      <ErrorNotice error={error} />
      {revoking ? (
        <ConfirmDialog
          title="Revoke this key?"
          confirmLabel="Revoke key"
          danger
          onConfirm={() => void revoke()}
          onCancel={() => setRevoking(false)}
        >
          <p>
            Whatever uses “{apiKey.name}” ({apiKey.preview}) is refused within seconds. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}

/**
 * The person's API keys for the OpenAI-compatible API. Absent when the API has no such
 * route (an auth function from before API keys).
 */
export function ApiKeys() {
  const { session } = useWorkspace();
  const api = useMemo(() => apiKeysApi(session), [session]);
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);

  useEffect(() => {
    let current = true;
    api.list().then(
      (list) => current && setKeys(list),
      (caught: unknown) => {
        if (!current) return;
        if (isMissingRoute(caught)) setMissing(true);
        else setError(caught);
      },
    );
    return () => {
      current = false;
    };
  }, [api]);

  if (missing) return null;
  return (
    <section class="card settings-section api-keys" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p class="hint">
        A key lets a script or an OpenAI-compatible tool use zerochat at <code>/v1</code> (chat completions and the
        model list, nothing else): send it as <code>Authorization: Bearer</code> and the key.
      </p>
      {created ? <NewKeyNotice name={created.name} secret={created.key} onDone={() => setCreated(null)} /> : null}
      <CreateKey
        api={api}
        onCreated={({ key, apiKey }) => {
          setCreated({ key, name: apiKey.name });
          setKeys((list) => [apiKey, ...(list ?? [])]);
        }}
      />
      <ErrorNotice error={error} />
      {keys === null ? (
        error ? null : (
          <p class="loading">Loading…</p>
        )
      ) : keys.length === 0 ? (
        <p class="hint">You have no API keys.</p>
      ) : (
        <ul class="plain api-key-list" aria-label="Your API keys">
          {keys.map((apiKey) => (
            <KeyItem
              key={apiKey.id}
              apiKey={apiKey}
              api={api}
              onChanged={(changed) => setKeys((list) => list?.map((k) => (k.id === changed.id ? changed : k)) ?? null)}
              onRevoked={(revoked) => setKeys((list) => list?.filter((k) => k.id !== revoked.id) ?? null)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
