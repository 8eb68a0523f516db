import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../components/icons.tsx';

/**
 * Where a message is written: Enter sends, Shift+Enter starts a new line. While a reply is
 * generated, the send button becomes a stop button.
 */
export function Composer(props: {
  busy: boolean;
  disabled?: boolean;
  onSend: (text: string) => Promise<boolean> | boolean;
  onStop: () => void;
  autoFocus?: boolean;
}) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  }, [text]);

  useLayoutEffect(() => {
    if (props.autoFocus) area.current?.focus();
  }, [props.autoFocus]);

  async function submit(event?: Event) {
    event?.preventDefault();
    if (props.busy || props.disabled || !text.trim()) return;
    const sent = text;
    setText('');
    // Put the text back when it could not be sent, so nothing typed is lost.
    if (!(await props.onSend(sent))) setText(sent);
  }

  return (
    <form class="composer" onSubmit={submit}>
      <label for="message" class="visually-hidden">
        Message
      </label>
      <textarea
        id="message"
        ref={area}
        rows={1}
        placeholder="Send a message (Enter to send, Shift+Enter for a new line)"
        value={text}
        disabled={props.disabled}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) void submit(event);
        }}
      />
      {props.busy ? (
        <button type="button" class="send stop" onClick={props.onStop} aria-label="Stop the reply">
          <Icon name="stop" />
        </button>
      ) : (
        <button type="submit" class="send" disabled={props.disabled || !text.trim()} aria-label="Send message">
          <Icon name="send" />
        </button>
      )}
    </form>
  );
}
