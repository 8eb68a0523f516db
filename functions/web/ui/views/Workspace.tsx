import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { branchApi, chatApi } from '../api/chat.ts';
import type { Session } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { Icon } from '../components/icons.tsx';
import { Lazy } from '../components/Lazy.tsx';
import { OfflineBanner } from '../components/OfflineBanner.tsx';
import { WorkspaceContext } from '../context.ts';
import { followLink, type Route, useRoute } from '../router.ts';
import { ConversationList } from '../state/conversations.ts';
import { Replies } from '../state/replies.ts';
import { ChatView } from './ChatView.tsx';
import { NewChat } from './NewChat.tsx';
import { Sidebar } from './Sidebar.tsx';

const loadSettings = () => import('./Settings.tsx');
const loadConsole = () => import('./Console.tsx');

function NotFound() {
  return (
    <section class="chat empty">
      <h1>Page not found</h1>
      <p>
        <a href="/" onClick={followLink}>
          Start a new chat
        </a>
      </p>
    </section>
  );
}

function View({ route, user }: { route: Route; user: User }) {
  switch (route.name) {
    case 'home':
      return <NewChat />;
    case 'conversation':
      return <ChatView key={route.id} id={route.id} />;
    case 'settings':
      return <Lazy load={loadSettings} />;
    case 'console':
      return user.role === 'admin' ? <Lazy load={loadConsole} /> : <NotFound />;
    default:
      return <NotFound />;
  }
}

const TITLES: Record<Route['name'], string> = {
  home: 'New chat',
  conversation: 'Conversation',
  settings: 'Settings',
  console: 'Admin console',
  missing: 'Not found',
};

/** The signed-in page: the sidebar and the view of the current path. */
export function Workspace({ session, user }: { session: Session; user: User }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const services = useMemo(() => {
    const chat = { ...chatApi(session), ...branchApi(session) };
    const conversations = new ConversationList(chat);
    return { session, chat, conversations, replies: new Replies(chat, conversations) };
  }, [session]);

  useEffect(() => {
    void services.conversations.load();
    // Back to this tab: the list may have changed in another one.
    const reloadWhenVisible = () => {
      if (document.visibilityState === 'visible') void services.conversations.load();
    };
    document.addEventListener('visibilitychange', reloadWhenVisible);
    return () => {
      document.removeEventListener('visibilitychange', reloadWhenVisible);
      // Signed out (this workspace goes): nothing of it goes on in the background.
      services.replies.stopAll();
    };
  }, [services]);

  useEffect(() => {
    setMenuOpen(false);
    // A conversation names the tab itself once it is loaded (ChatView).
    if (route.name !== 'conversation') document.title = `${TITLES[route.name]} · zerochat`;
  }, [route]);

  const closeMenu = () => {
    setMenuOpen(false);
    menuButton.current?.focus();
  };

  useEffect(() => {
    if (!menuOpen) return;
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeMenu();
    };
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  });

  return (
    <WorkspaceContext.Provider value={{ ...services, user }}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
        <Sidebar route={route} onClose={closeMenu} />
        <div class="main-column">
          <header class="topbar">
            <button
              type="button"
              class="icon menu-button"
              ref={menuButton}
              aria-label="Conversations menu"
              aria-controls="sidebar"
              aria-expanded={menuOpen}
              onClick={() => setMenuOpen(!menuOpen)}
            >
              <Icon name="menu" />
            </button>
            <span class="brand">zerochat</span>
          </header>
          <OfflineBanner />
          <main id="main" tabIndex={-1}>
            <View route={route} user={user} />
          </main>
        </div>
        {menuOpen ? <div class="scrim" aria-hidden="true" onClick={closeMenu} /> : null}
      </div>
    </WorkspaceContext.Provider>
  );
}
