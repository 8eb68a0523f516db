import { useState } from 'preact/hooks';
import type { ErrorWords } from '../api/problem.ts';
import type { MessageStatus } from '../api/types.ts';
import { copyText } from '../components/copy-text.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/icons.tsx';
import { Markdown } from '../components/Markdown.tsx';

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
}

const STATUS_NOTES: Partial<Record<ShownMessage['status'], string>> = {
  incomplete: 'Stopped before the end.',
  stopped: 'Stopped.',
  error: 'The reply failed.',
  pending: 'Still being written…',
};

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
  return (
    <ol class="messages" aria-label="Messages">
      {messages.map((message) => (
        <li key={message.key} class={`message ${message.role}`} aria-busy={message.status === 'streaming'}>
          <h2 class="author">{message.role === 'user' ? 'You' : (message.model ?? 'Assistant')}</h2>
          {message.role === 'assistant' ? (
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
          {message.content && message.status !== 'streaming' ? (
            <div class="message-actions">
              <CopyMessage content={message.content} />
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
