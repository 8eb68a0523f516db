import { useEffect, useState } from 'preact/hooks';
import { isMissingRoute } from '../api/problem.ts';
import type { ChatDefaults as Defaults, ModelList, ModelOptions } from '../api/types.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';

type NumericOption = Exclude<keyof ModelOptions, 'stop'>;

/** The options the form offers, with chat's bounds; others stored (num_ctx, min_p, stop) are kept as they are. */
const FIELDS: ReadonlyArray<{ name: NumericOption; label: string; min: number; max: number; step: number | 'any' }> = [
  { name: 'temperature', label: 'Temperature (0–2)', min: 0, max: 2, step: 'any' },
  { name: 'top_p', label: 'Top p (0–1)', min: 0, max: 1, step: 'any' },
  { name: 'top_k', label: 'Top k (1–1000)', min: 1, max: 1000, step: 1 },
  { name: 'repeat_penalty', label: 'Repeat penalty (0.5–2)', min: 0.5, max: 2, step: 'any' },
  { name: 'num_predict', label: 'Longest reply, in tokens', min: 1, max: 1_000_000, step: 1 },
  { name: 'seed', label: 'Seed', min: 0, max: 4_294_967_295, step: 1 },
];

function Form({
  stored,
  models,
  onSaved,
}: {
  stored: Defaults;
  models: ModelList | null;
  onSaved: (d: Defaults) => void;
}) {
  const { chat } = useWorkspace();
  const [model, setModel] = useState(stored.model ?? '');
  const [systemPrompt, setSystemPrompt] = useState(stored.systemPrompt ?? '');
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(FIELDS.map(({ name }) => [name, stored.options[name]?.toString() ?? ''])),
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const options: ModelOptions = { ...stored.options };
    for (const { name } of FIELDS) {
      const text = values[name]?.trim() ?? '';
      if (text === '') delete options[name];
      else options[name] = Number(text);
    }
    try {
      onSaved(await chat.saveDefaults({ model: model || null, systemPrompt: systemPrompt.trim() || null, options }));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="defaults-form" onSubmit={submit}>
      <label>
        Model
        <select value={model} onChange={(event) => setModel(event.currentTarget.value)}>
          <option value="">The server's default{models ? ` (${models.defaultModel})` : ''}</option>
          {models?.models.map((option) => (
            <option key={option.name} value={option.name}>
              {option.name}
            </option>
          ))}
          {/* The stored model, also before the list arrives: the form never shows another one. */}
          {model && !models?.models.some((option) => option.name === model) ? (
            <option value={model}>{model}</option>
          ) : null}
        </select>
      </label>
      <label>
        System prompt
        <textarea
          rows={3}
          placeholder="How the assistant should behave in new chats"
          value={systemPrompt}
          onInput={(event) => setSystemPrompt(event.currentTarget.value)}
        />
      </label>
      <fieldset class="option-fields">
        <legend>Model options (empty: the model's own)</legend>
        {FIELDS.map((field) => (
          <label key={field.name}>
            {field.label}
            <input
              type="number"
              inputMode="decimal"
              min={field.min}
              max={field.max}
              step={field.step}
              value={values[field.name]}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setValues((current) => ({ ...current, [field.name]: value }));
              }}
            />
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={error} />
      {saved ? (
        <p class="notice success" role="status">
          Saved. New chats and their replies use these.
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save defaults'}
      </button>
    </form>
  );
}

/**
 * The person's defaults for new chats (model, system prompt, model options). Absent when
 * chat keeps no defaults (an older chat function).
 */
export function ChatDefaults() {
  const { chat } = useWorkspace();
  const [stored, setStored] = useState<Defaults | null>(null);
  const [models, setModels] = useState<ModelList | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    chat.getDefaults().then(
      (defaults) => current && setStored(defaults),
      (caught: unknown) => {
        if (!current) return;
        if (isMissingRoute(caught)) setMissing(true);
        else setError(caught);
      },
    );
    // Without the list (the model server away) the form still offers the stored model.
    chat.listModels().then(
      (list) => current && setModels(list),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [chat]);

  if (missing) return null;
  return (
    <section class="card settings-section chat-defaults" aria-labelledby="defaults-title">
      <h2 id="defaults-title">Defaults for new chats</h2>
      <ErrorNotice error={error} />
      {stored ? (
        <Form stored={stored} models={models} onSaved={setStored} />
      ) : error ? null : (
        <p class="loading">Loading…</p>
      )}
    </section>
  );
}
