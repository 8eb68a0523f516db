import { useState } from 'preact/hooks';
import type { ErrorWords } from '../api/problem.ts';
import type { MessageStatus } from '../api/types.ts';
import { copyText } from '../components/copy-text.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/icons.tsx';
import { Markdown } from '../components/Markdown.tsx';
import { MessageEditor } from './MessageEditor.tsx';

/** A message as the list shows it, stored or still streaming. */
export interface ShownMessage {
  key: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus | 'streaming' | 'stopped';
  model?: string | null | undefined;
  error?: ErrorWords | undefined;
  /** For a message that could not be sent: sends it again. */
  retry?: (() => void) | undefined;
  /** Its versions (an edited question, a regenerated reply): "2 / 3" with arrows between them. */
  versions?: { index: number; count: number; show: (index: number) => void } | undefined;
  /** A new version of this reply. */
  regenerate?: (() => void) | undefined;
  /** More text for this reply, which stopped at its length limit. */
  continueReply?: (() => void) | undefined;
  /** A new version of this message of the person's, and a reply to it. */
  edit?: ((content: string) => void) | undefined;
}

const STATUS_NOTES: Partial<Record<ShownMessage['status'], string>> = {
  incomplete: 'Stopped before the end.',
  stopped: 'Stopped.',
  error: 'The reply failed.',
  pending: 'Still being written…',
};

/**
 * "2 / 3" and the arrows to the other versions of a message. At either end an arrow is only
 * marked unavailable (not disabled), so that it keeps the keyboard's focus.
 */
function Versions({ versions, role }: { versions: NonNullable<ShownMessage['versions']>; role: ShownMessage['role'] }) {
  const what = role === 'user' ? 'version of your message' : 'version of the reply';
  return (
    <div class="versions">
      <button
        type="button"
        class="icon"
        aria-label={`Previous ${what}`}
        title="Previous version"
        aria-disabled={versions.index === 0}
        onClick={() => versions.index > 0 && versions.show(versions.index - 1)}
      >
        <Icon name="previous" />
      </button>
      <span>
        <span class="visually-hidden">Version </span>
        {versions.index + 1} / {versions.count}
      </span>
      <button
        type="button"
        class="icon"
        aria-label={`Next ${what}`}
        title="Next version"
        aria-disabled={versions.index === versions.count - 1}
        onClick={() => versions.index < versions.count - 1 && versions.show(versions.index + 1)}
      >
        <Icon name="next" />
      </button>
    </div>
  );
}

function CopyMessage({ content }: { content: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="icon"
      aria-label={copied ? 'Copied' : 'Copy message'}
      title="Copy"
      onClick={async () => {
        setCopied(await copyText(content));
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      <Icon name="copy" />
    </button>
  );
}

export function MessageList({ messages }: { messages: ShownMessage[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <ol class="messages" aria-label="Messages">
      {messages.map((message) => (
        <li key={message.key} class={`message ${message.role}`} aria-busy={message.status === 'streaming'}>
          <h2 class="author">{message.role === 'user' ? 'You' : (message.model ?? 'Assistant')}</h2>
          {editing === message.key && message.edit ? (
            <MessageEditor
              content={message.content}
              onCancel={() => setEditing(null)}
              onSave={(text) => {
                setEditing(null);
                message.edit?.(text);
              }}
            />
          ) : message.role === 'assistant' ? (
            message.content ? (
              <Markdown source={message.content} />
            ) : message.status === 'streaming' ? (
              <p class="typing">
                <span class="visually-hidden">Writing a reply…</span>
                <span class="dot" aria-hidden="true" />
                <span class="dot" aria-hidden="true" />
                <span class="dot" aria-hidden="true" />
              </p>
            ) : null
          ) : (
            <p class="user-text">{message.content}</p>
          )}
          {message.error ? <ErrorNotice words={message.error} /> : null}
          {message.retry ? (
            <button type="button" onClick={message.retry}>
              Try again
            </button>
          ) : null}
          {STATUS_NOTES[message.status] && !message.error ? (
            <p class="status-note">{STATUS_NOTES[message.status]}</p>
          ) : null}
          {message.status !== 'streaming' && editing !== message.key ? (
            <div class="message-actions">
              {message.versions && message.versions.count > 1 ? (
                <Versions versions={message.versions} role={message.role} />
              ) : null}
              {message.content ? <CopyMessage content={message.content} /> : null}
              {message.edit ? (
                <button
                  type="button"
                  class="icon"
                  aria-label="Edit your message"
                  title="Edit"
                  onClick={() => setEditing(message.key)}
                >
                  <Icon name="pencil" />
                </button>
              ) : null}
              {message.regenerate ? (
                <button
                  type="button"
                  class="icon"
                  aria-label="Regenerate the reply"
                  title="Regenerate"
                  onClick={message.regenerate}
                >
                  <Icon name="regenerate" />
                </button>
              ) : null}
              {message.continueReply ? (
                <button type="button" onClick={message.continueReply}>
                  Continue
                </button>
              ) : null}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
