import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/icons.tsx';
import { useWorkspace } from '../context.ts';
import { followLink, navigate, type Route } from '../router.ts';
import { useStore } from '../state/store.ts';
import { ConversationItem } from './ConversationItem.tsx';

/** Conversations (newest first), a new chat, and the person's own links. */
export function Sidebar({ route, onClose }: { route: Route; onClose: () => void }) {
  const { conversations, session, user } = useWorkspace();
  const list = useStore(conversations.state);
  const currentId = route.name === 'conversation' ? route.id : undefined;
  const [query, setQuery] = useState(list.query);
  // A search per pause in typing, not per key.
  useEffect(() => {
    if (query.trim() === list.query) return;
    const timer = setTimeout(() => void conversations.search(query), 250);
    return () => clearTimeout(timer);
  }, [query, list.query, conversations]);
  const filtered = list.query !== '' || list.archive;

  return (
    <aside class="sidebar" id="sidebar" aria-label="Conversations and account">
      <div class="sidebar-top">
        <a
          href="/"
          class="button new-chat-button"
          onClick={followLink}
          aria-current={route.name === 'home' ? 'page' : undefined}
        >
          <Icon name="plus" /> New chat
        </a>
        <button type="button" class="icon close-menu" aria-label="Close the menu" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {list.organised ? (
        <search class="conversation-tools">
          <input
            type="search"
            aria-label="Search conversations"
            placeholder="Search"
            maxLength={200}
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          <button
            type="button"
            class="link"
            aria-pressed={list.archive}
            onClick={() => void conversations.showArchive(!list.archive)}
          >
            {list.archive ? 'Back to conversations' : 'Archived conversations'}
          </button>
        </search>
      ) : null}
      <nav aria-label={list.archive ? 'Archived conversations' : 'Conversations'} class="conversation-nav">
        {list.items.length === 0 && !list.loading && !list.error ? (
          <p class="hint empty-list">
            {list.query
              ? `No conversation holds “${list.query}”.`
              : list.archive
                ? 'The archive is empty.'
                : filtered
                  ? ''
                  : 'No conversations yet.'}
          </p>
        ) : null}
        <ul class="conversation-list">
          {list.items.map((conversation) => (
            <ConversationItem
              key={conversation.id}
              conversation={conversation}
              current={conversation.id === currentId}
            />
          ))}
        </ul>
        {list.error ? <ErrorNotice error={list.error} /> : null}
        {list.nextCursor ? (
          <button type="button" class="link more" disabled={list.loading} onClick={() => void conversations.load(true)}>
            {list.loading ? 'Loading…' : 'Show older conversations'}
          </button>
        ) : null}
      </nav>
      <div class="account">
        <p class="who" title={user.email}>
          {user.displayName ?? user.email}
        </p>
        <ul class="account-links">
          <li>
            <a href="/settings" onClick={followLink} aria-current={route.name === 'settings' ? 'page' : undefined}>
              Settings
            </a>
          </li>
          {user.role === 'admin' ? (
            <li>
              <a href="/console" onClick={followLink} aria-current={route.name === 'console' ? 'page' : undefined}>
                Admin console
              </a>
            </li>
          ) : null}
          <li>
            <button
              type="button"
              class="link"
              onClick={() => {
                navigate('/', { replace: true });
                void session.signOut();
              }}
            >
              Sign out
            </button>
          </li>
        </ul>
      </div>
    </aside>
  );
}
