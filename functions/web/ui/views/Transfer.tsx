import { useEffect, useMemo, useState } from 'preact/hooks';
import { type ExportFormat, type Imported, type TransferApi, transferApi } from '../api/transfer.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';
import { followLink } from '../router.ts';
import { useStore } from '../state/store.ts';

/** Hands a file to the browser's downloads, as a link to it would. */
function saveFile(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportForm({ api }: { api: TransferApi }) {
  const { conversations } = useWorkspace();
  const list = useStore(conversations.state);
  const [which, setWhich] = useState('');
  const [format, setFormat] = useState<ExportFormat>('json');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const { fileName, blob } = await api.download(which || null, format);
      saveFile(fileName, blob);
      setSaved(fileName);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="transfer-form" onSubmit={submit} aria-labelledby="export-title">
      <h3 id="export-title">Export</h3>
      <label>
        Conversations to export
        <select value={which} onChange={(event) => setWhich(event.currentTarget.value)}>
          <option value="">All conversations, archived ones too</option>
          {list.items.map((conversation) => (
            <option key={conversation.id} value={conversation.id}>
              {conversation.title}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="choices">
        <legend>Format</legend>
        <label>
          <input type="radio" name="format" checked={format === 'json'} onChange={() => setFormat('json')} /> JSON:
          every branch, to import again
        </label>
        <label>
          <input type="radio" name="format" checked={format === 'markdown'} onChange={() => setFormat('markdown')} />{' '}
          Markdown: the shown branch, to read
        </label>
      </fieldset>
      <ErrorNotice error={error} />
      {saved ? (
        <p class="notice success" role="status">
          Downloaded {saved}.
        </p>
      ) : null}
      {/* aria-disabled, not disabled, while busy: the focus stays on the button pressed. */}
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? 'Exporting…' : 'Download export'}
      </button>
    </form>
  );
}

function ImportForm({ api }: { api: TransferApi }) {
  const { conversations } = useWorkspace();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<Imported | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    setImported(null);
    try {
      setImported(await api.importFile(await file.text()));
      void conversations.load();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const count = imported?.conversations.length ?? 0;
  return (
    <form class="transfer-form" onSubmit={submit} aria-labelledby="import-title">
      <h3 id="import-title">Import</h3>
      <p class="hint">A JSON export from zerochat. Its conversations are added as new ones; nothing is replaced.</p>
      <label>
        File to import
        <input
          type="file"
          accept="application/json,.json"
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <ErrorNotice error={error} />
      {imported ? (
        <div class="notice success" role="status">
          <p>
            Imported {count} conversation{count === 1 ? '' : 's'}.
          </p>
          <ul>
            {imported.conversations.map((conversation) => (
              <li key={conversation.id}>
                <a href={`/c/${encodeURIComponent(conversation.id)}`} onClick={followLink}>
                  {conversation.title}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <button type="submit" class="primary" disabled={!file} aria-disabled={busy}>
        {busy ? 'Importing…' : 'Import file'}
      </button>
    </form>
  );
}

/**
 * Export of one or all conversations (JSON or Markdown) and import of a JSON export. Absent
 * when chat has neither (an older chat function).
 */
export function Transfer() {
  const { session } = useWorkspace();
  const api = useMemo(() => transferApi(session), [session]);
  const [available, setAvailable] = useState(false);

  useEffect(() => {
    let current = true;
    api.available().then(
      (has) => current && setAvailable(has),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);

  if (!available) return null;
  return (
    <section class="card settings-section transfer" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Export and import</h2>
      <ExportForm api={api} />
      <ImportForm api={api} />
    </section>
  );
}
