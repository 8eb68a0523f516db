import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../api/types.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/icons.tsx';
import { useWorkspace } from '../context.ts';
import { followLink, navigate } from '../router.ts';

/** One conversation in the sidebar: a link, and rename and delete. */
export function ConversationItem({ conversation, current }: { conversation: Conversation; current: boolean }) {
  const { conversations, replies } = useWorkspace();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const actions = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (renaming) input.current?.select();
  }, [renaming]);

  async function rename(title: string) {
    setRenaming(false);
    if (!title.trim() || title.trim() === conversation.title) return;
    try {
      setError(null);
      await conversations.rename(conversation.id, title.trim());
    } catch (caught) {
      setError(caught);
    }
    actions.current?.focus();
  }

  async function organise(action: () => Promise<void>) {
    try {
      setError(null);
      await action();
    } catch (caught) {
      setError(caught);
    }
  }

  async function remove() {
    setDeleting(false);
    try {
      setError(null);
      replies.stop(conversation.id);
      await conversations.remove(conversation.id);
      if (current) navigate('/', { replace: true });
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <li class={`conversation${current ? ' current' : ''}`}>
      {renaming ? (
        <input
          ref={input}
          class="rename"
          aria-label="New title"
          maxLength={200}
          defaultValue={conversation.title}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void rename(event.currentTarget.value);
            if (event.key === 'Escape') {
              setRenaming(false);
              actions.current?.focus();
            }
          }}
          onBlur={(event) => void rename(event.currentTarget.value)}
        />
      ) : (
        <a href={`/c/${conversation.id}`} onClick={followLink} aria-current={current ? 'page' : undefined}>
          {conversation.pinned ? (
            <>
              <span class="pin-mark">
                <Icon name="pin" />
              </span>
              <span class="offscreen">Pinned: </span>
            </>
          ) : null}
          {conversation.title}
          {conversation.match ? <span class="snippet">{conversation.match.snippet}</span> : null}
        </a>
      )}
      <span class="item-actions">
        {typeof conversation.pinned === 'boolean' && !conversation.archived ? (
          <button
            type="button"
            class={`icon${conversation.pinned ? ' pinned' : ''}`}
            aria-label={`${conversation.pinned ? 'Unpin' : 'Pin'} “${conversation.title}”`}
            aria-pressed={conversation.pinned}
            title={conversation.pinned ? 'Unpin' : 'Pin'}
            onClick={() => void organise(() => conversations.pin(conversation.id, !conversation.pinned))}
          >
            <Icon name="pin" />
          </button>
        ) : null}
        {typeof conversation.archived === 'boolean' ? (
          <button
            type="button"
            class="icon"
            aria-label={`${conversation.archived ? 'Unarchive' : 'Archive'} “${conversation.title}”`}
            title={conversation.archived ? 'Take out of the archive' : 'Archive'}
            onClick={() => void organise(() => conversations.archive(conversation.id, !conversation.archived))}
          >
            <Icon name="archive" />
          </button>
        ) : null}
        <button
          type="button"
          class="icon"
          ref={actions}
          aria-label={`Rename “${conversation.title}”`}
          title="Rename"
          onClick={() => setRenaming(true)}
        >
          <Icon name="pencil" />
        </button>
        <button
          type="button"
          class="icon"
          aria-label={`Delete “${conversation.title}”`}
          title="Delete"
          onClick={() => setDeleting(true)}
        >
          <Icon name="trash" />
        </button>
      </span>
      {error ? <ErrorNotice error={error} /> : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this conversation?"
          confirmLabel="Delete"
          danger
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(false)}
        >
          <p>“{conversation.title}” and all its messages will be deleted. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}
