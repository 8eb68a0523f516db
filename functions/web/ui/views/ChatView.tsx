import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/problem.ts';
import type { ConversationWithMessages, Message } from '../api/types.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useWorkspace } from '../context.ts';
import { followLink } from '../router.ts';
import { isFinished, type LiveReply } from '../state/replies.ts';
import { useStore } from '../state/store.ts';
import { Composer } from './Composer.tsx';
import { MessageList, type ShownMessage } from './MessageList.tsx';

/** Why a reply may be continued (docs/chat.md#edit-regenerate-continue). */
const CONTINUABLE = ['length', 'cancelled', 'timeout'];
const canContinue = (message: Message) =>
  message.role === 'assistant' &&
  message.status !== 'pending' &&
  (CONTINUABLE.includes(message.finishReason ?? '') || message.status === 'incomplete');

/** How often a conversation with a pending reply is read again. */
const PENDING_RELOAD_MS = 1000;

const ANNOUNCEMENTS: Record<LiveReply['status'], string> = {
  sending: 'Sending your message.',
  streaming: 'A reply is being written.',
  done: 'The reply is complete.',
  stopped: 'The reply was stopped.',
  failed: 'The reply failed.',
};

function liveMessages(live: LiveReply, model: string, retry: () => void): ShownMessage[] {
  const status = {
    sending: 'streaming',
    streaming: 'streaming',
    done: 'complete',
    stopped: 'stopped',
    failed: 'error',
  } as const;
  const user: ShownMessage[] =
    live.userContent === undefined
      ? []
      : [{ key: live.userMessageId ?? 'live-user', role: 'user', content: live.userContent, status: 'complete' }];
  return [
    ...user,
    {
      key: live.messageId ?? 'live-reply',
      role: 'assistant',
      content: live.content,
      status: status[live.status],
      model: live.model ?? model,
      error: live.error,
      // Never started (429, 503, offline): nothing was stored, the same message can go again.
      retry: live.status === 'failed' && !live.userMessageId && !live.replaces ? retry : undefined,
    },
  ];
}

/** One conversation: its messages, the reply in progress, and the composer. */
export function ChatView({ id }: { id: string }) {
  const { chat, replies, conversations } = useWorkspace();
  const [conversation, setConversation] = useState<ConversationWithMessages | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useStore(replies.state).get(id);
  const listed = useStore(conversations.state).items.find((item) => item.id === id);
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  const load = useCallback(async () => {
    try {
      const loaded = await chat.getConversation(id);
      setConversation(loaded);
      // The list learns a title the first message gave the conversation.
      conversations.change(id, { title: loaded.title, updatedAt: loaded.updatedAt });
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [chat, conversations, id]);

  useEffect(() => {
    void load();
  }, [load]);

  // A finished reply is read back as stored; a reply that never started stays shown with its error.
  const finished = live ? isFinished(live) : false;
  useEffect(() => {
    if (!finished || !live?.userMessageId) return;
    void load().then(() => replies.forget(id));
  }, [finished, live?.userMessageId, load, replies, id]);

  // A reply stored as pending is still being written (after a reload, or by another tab): its
  // stream is read again from where the stored text ends. Once per reply; should that fail,
  // the conversation is read again until the reply is final.
  const resumed = useRef(new Set<string>());
  const stored = conversation?.messages ?? [];
  const last = stored.at(-1);
  useEffect(() => {
    if (live || last?.role !== 'assistant' || last.status !== 'pending' || resumed.current.has(last.id)) return;
    resumed.current.add(last.id);
    void replies.restart(
      id,
      { kind: 'resume', messageId: last.id, after: last.content.length },
      { content: last.content, userMessageId: last.parentId ?? stored.at(-2)?.id, model: last.model },
    );
  }, [live, last, stored, replies, id]);
  const pending = !live && stored.some((message) => message.status === 'pending');
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => void load(), PENDING_RELOAD_MS);
    return () => clearTimeout(timer);
  }, [pending, conversation, load]);

  const busy = replies.busy(id);
  const showVersion = (siblingIds: string[]) => (index: number) => {
    const messageId = siblingIds[index];
    if (!messageId || replies.busy(id)) return;
    chat.switchBranch(id, messageId).then(setConversation, setError);
  };
  /** Actions on a stored message; none while a reply is written. */
  const actions = (message: Message): Partial<ShownMessage> =>
    busy
      ? {}
      : {
          versions:
            message.siblingIds && message.siblingIds.length > 1
              ? {
                  index: message.siblingIds.indexOf(message.id),
                  count: message.siblingIds.length,
                  show: showVersion(message.siblingIds),
                }
              : undefined,
          edit:
            message.role === 'user'
              ? (content) =>
                  void replies.restart(id, { kind: 'edit', messageId: message.id, content }, { userContent: content })
              : undefined,
          regenerate:
            message.role === 'assistant' && message.status !== 'pending'
              ? () => void replies.restart(id, { kind: 'regenerate', messageId: message.id })
              : undefined,
          continueReply: canContinue(message)
            ? () =>
                void replies.restart(
                  id,
                  { kind: 'continue', messageId: message.id },
                  { content: message.content, userMessageId: message.parentId, model: message.model },
                )
            : undefined,
        };

  // While a reply is live, it is shown from its stream (the stored copy lags behind), in place
  // of the messages it replaces. One that failed before it started replaced nothing.
  const startedLive = live && (live.userMessageId !== undefined || !isFinished(live));
  const cut = startedLive && live.replaces ? stored.findIndex((message) => message.id === live.replaces) : -1;
  const liveIds = new Set(live && !live.replaces ? [live.userMessageId, live.messageId] : []);
  const shown: ShownMessage[] = (cut >= 0 ? stored.slice(0, cut) : stored)
    .filter((message) => message.role !== 'system' && !liveIds.has(message.id))
    .map((message) => ({
      // Keyed by its place in the tree, so that switching versions keeps the focus on the arrow.
      key: message.parentId === undefined ? message.id : `after-${message.parentId ?? 'start'}`,
      role: message.role === 'user' ? 'user' : 'assistant',
      content: message.content,
      status: message.status,
      model: message.model,
      ...actions(message),
    }));
  if (live && (startedLive || !live.replaces)) {
    const again = () => void replies.send(id, live.userContent ?? '');
    shown.push(...liveMessages(live, conversation?.model ?? '', again));
  }

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  });

  const title = listed?.title ?? conversation?.title ?? 'Conversation';
  useEffect(() => {
    document.title = `${title} · zerochat`;
  }, [title]);

  if (error instanceof ApiError && error.status === 404) {
    return (
      <section class="chat empty">
        <h1>Conversation not found</h1>
        <p>
          It may have been deleted.{' '}
          <a href="/" onClick={followLink}>
            Start a new chat
          </a>
          .
        </p>
      </section>
    );
  }

  return (
    <section class="chat" aria-labelledby="chat-title">
      <h1 id="chat-title" class="chat-title">
        {title}
      </h1>
      <div
        class="scroller"
        ref={scroller}
        onScroll={(event) => {
          const element = event.currentTarget;
          stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
        }}
      >
        <ErrorNotice error={error} />
        {conversation || live ? <MessageList messages={shown} /> : <p class="loading">Loading…</p>}
        {live && !startedLive && live.replaces ? <ErrorNotice words={live.error} /> : null}
      </div>
      <p class="visually-hidden" role="status">
        {live ? ANNOUNCEMENTS[live.status] : ''}
      </p>
      <Composer
        busy={busy}
        onSend={(text) => {
          stickToBottom.current = true;
          void replies.send(id, text);
          return true;
        }}
        onStop={() => replies.stop(id)}
        autoFocus
      />
    </section>
  );
}
