import { useEffect, useRef, useState } from 'preact/hooks';
import type { ModelList } from '../api/types.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';
import { navigate } from '../router.ts';
import { Composer } from './Composer.tsx';

/** A new conversation: pick a model, optionally give a system prompt, write the first message. */
export function NewChat() {
  const { chat, conversations, replies, user } = useWorkspace();
  const [models, setModels] = useState<ModelList | null>(null);
  const [modelsError, setModelsError] = useState<unknown>(null);
  const [model, setModel] = useState('');
  const [systemPrompt, setSystemPrompt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The person's own choice wins over their stored defaults, whenever those arrive.
  const chosen = useRef(false);

  useEffect(() => {
    // Where chat keeps defaults: start from them. Without (404) or on a failure, from the server's.
    chat.getDefaults().then(
      (defaults) => {
        if (chosen.current) return;
        if (defaults.model) setModel(defaults.model);
        if (defaults.systemPrompt) setSystemPrompt(defaults.systemPrompt);
      },
      () => undefined,
    );
  }, [chat]);

  useEffect(() => {
    const loadModels = () =>
      chat.listModels().then(
        (list) => {
          setModels(list);
          setModel((chosen) => chosen || list.defaultModel);
          setModelsError(null);
        },
        (caught: unknown) => setModelsError(caught),
      );
    void loadModels();
    // Back online, or the model server back: the list may load now.
    window.addEventListener('online', loadModels);
    return () => window.removeEventListener('online', loadModels);
  }, [chat]);

  async function start(text: string): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const conversation = await chat.createConversation({
        ...(model ? { model } : {}),
        ...(systemPrompt.trim() ? { systemPrompt: systemPrompt.trim() } : {}),
      });
      conversations.put(conversation);
      void replies.send(conversation.id, text, { first: true });
      navigate(`/c/${conversation.id}`);
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const name = user.displayName ?? user.email.split('@')[0];
  return (
    <section class="chat new-chat" aria-labelledby="new-chat-title">
      <div class="scroller">
        <div class="welcome">
          <h1 id="new-chat-title">New chat</h1>
          <p>Hello {name}. What would you like to talk about?</p>
          <div class="chat-options">
            <label>
              Model
              <select
                value={model}
                disabled={!models}
                onChange={(event) => {
                  chosen.current = true;
                  setModel(event.currentTarget.value);
                }}
                aria-describedby={modelsError ? 'models-error' : undefined}
              >
                {models ? (
                  models.models.map((option) => (
                    <option key={option.name} value={option.name}>
                      {option.name}
                      {option.parameterSize ? ` (${option.parameterSize})` : ''}
                      {option.default ? ' — default' : ''}
                    </option>
                  ))
                ) : (
                  <option value="">{modelsError ? 'The default model' : 'Loading models…'}</option>
                )}
              </select>
            </label>
            <details>
              <summary>System prompt</summary>
              <label for="system-prompt" class="visually-hidden">
                System prompt
              </label>
              <textarea
                id="system-prompt"
                rows={3}
                placeholder="How the assistant should behave, e.g. “Answer briefly, in plain English.”"
                value={systemPrompt}
                onInput={(event) => {
                  chosen.current = true;
                  setSystemPrompt(event.currentTarget.value);
                }}
              />
            </details>
          </div>
          {modelsError ? (
            <div id="models-error">
              <ErrorNotice error={modelsError} />
            </div>
          ) : null}
          <ErrorNotice error={error} />
        </div>
      </div>
      <Composer busy={false} disabled={busy} onSend={start} onStop={() => undefined} autoFocus />
    </section>
  );
}
