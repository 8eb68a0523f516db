import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * Edits a message of the person's in place: Enter or *Save* sends the new version (a reply to
 * it follows), Shift+Enter starts a new line, Escape or *Cancel* leaves it as it was.
 */
export function MessageEditor(props: { content: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(props.content);
  const area = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  const unchanged = !text.trim() || text === props.content;
  function save(event: Event) {
    event.preventDefault();
    if (!unchanged) props.onSave(text);
  }

  return (
    <form class="message-editor" onSubmit={save}>
      <label class="visually-hidden" for="edit-message">
        Edit your message
      </label>
      <textarea
        id="edit-message"
        ref={area}
        rows={3}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            props.onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) save(event);
        }}
      />
      <div class="editor-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={unchanged}>
          Save and send
        </button>
      </div>
    </form>
  );
}
