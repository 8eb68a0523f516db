import { readJson } from './http.ts';
import { ApiError } from './problem.ts';
import type { Session } from './session.ts';
import { readEvents } from './sse.ts';
import type { ChatDefaults, Conversation, ConversationWithMessages, Message, ModelList, Page } from './types.ts';

/** What a reply stream tells, event by event (docs/chat.md). */
export type ReplyEvent =
  | { type: 'start'; conversationId: string; userMessageId: string; messageId: string; model: string }
  | { type: 'delta'; content: string }
  | { type: 'done'; messageId: string; finishReason: string }
  | { type: 'title'; title: string }
  | { type: 'error'; error: ApiError };

/** An `error` event's problem object as an ApiError. */
function problemEvent(data: Record<string, unknown>): ApiError {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return new ApiError({
    status: typeof data.status === 'number' ? data.status : 502,
    code: text(data.code),
    title: text(data.title),
    detail: text(data.detail),
    requestId: text(data.requestId),
  });
}

/** The chat function's API, as the signed-in person. */
export function chatApi(session: Session) {
  const json = async <T>(...args: Parameters<Session['request']>) => readJson<T>(await session.request(...args));
  const path = (id: string) => `/chat/conversations/${encodeURIComponent(id)}`;

  return {
    /** A page of conversations; `q` searches (where chat has search), `archived` lists the archive. */
    listConversations: (options: { cursor?: string | undefined; q?: string | undefined; archived?: boolean } = {}) =>
      json<Page<Conversation>>({
        method: 'GET',
        path: `/chat/conversations?${new URLSearchParams({
          limit: '50',
          ...(options.cursor ? { cursor: options.cursor } : {}),
          ...(options.q ? { q: options.q } : {}),
          ...(options.archived ? { archived: 'true' } : {}),
        })}`,
      }),
    getConversation: (id: string) => json<ConversationWithMessages>({ method: 'GET', path: path(id) }),
    createConversation: (body: { title?: string; model?: string; systemPrompt?: string }) =>
      json<Conversation>({ method: 'POST', path: '/chat/conversations', body }),
    renameConversation: (id: string, title: string) =>
      json<Conversation>({ method: 'PATCH', path: path(id), body: { title } }),
    /** Pins or archives (or undoes either); only where chat lists conversations with these flags. */
    organiseConversation: (id: string, change: { pinned?: boolean; archived?: boolean }) =>
      json<Conversation>({ method: 'PATCH', path: path(id), body: change }),
    deleteConversation: (id: string) => json<void>({ method: 'DELETE', path: path(id) }),
    listModels: () => json<ModelList>({ method: 'GET', path: '/chat/models' }),
    /** The person's defaults; a 404 (isMissingRoute) where chat keeps none. */
    getDefaults: () => json<ChatDefaults>({ method: 'GET', path: '/chat/settings' }),
    /** Replaces the defaults whole: what is left out is reset. */
    saveDefaults: (defaults: Omit<ChatDefaults, 'updatedAt'>) =>
      json<ChatDefaults>({ method: 'PUT', path: '/chat/settings', body: defaults }),
    /** Stops a reply on whichever instance generates it; its stream then ends as stopped. */
    stopReply: (id: string, messageId: string) =>
      json<Message>({ method: 'POST', path: `${path(id)}/messages/${encodeURIComponent(messageId)}/stop` }),

    /**
     * Sends a message and yields the reply's events as they arrive. Aborting the signal only
     * stops reading: the reply goes on (stopReply stops it).
     */
    async *sendMessage(id: string, content: string, signal: AbortSignal): AsyncGenerator<ReplyEvent> {
      const response = await session.request({
        method: 'POST',
        path: `${path(id)}/messages`,
        body: { content, stream: true },
        signal,
      });
      yield* replyEvents(response);
    },
  };
}

// --- The message tree and resume (docs/chat.md#edit-regenerate-continue): edit, regenerate,
// continue, switch branch, and read a reply's stream again.

/** The events of a reply's stream, read from its response. */
async function* replyEvents(response: Response): AsyncGenerator<ReplyEvent> {
  if (!response.body) throw new ApiError({ status: 502, title: 'The reply did not stream' });
  for await (const event of readEvents(response.body)) {
    const data = JSON.parse(event.data) as Record<string, unknown>;
    if (event.event === 'message.start')
      yield { type: 'start', ...(data as Omit<ReplyEvent & { type: 'start' }, 'type'>) };
    else if (event.event === 'message.delta') yield { type: 'delta', content: String(data.content ?? '') };
    else if (event.event === 'message.done')
      yield { type: 'done', messageId: String(data.messageId), finishReason: String(data.finishReason) };
    else if (event.event === 'conversation.title') yield { type: 'title', title: String(data.title ?? '') };
    else if (event.event === 'error') yield { type: 'error', error: problemEvent(data) };
  }
}

/** What starts a reply other than a new message. */
export type ReplyStart =
  | { kind: 'edit'; messageId: string; content: string }
  | { kind: 'regenerate'; messageId: string }
  | { kind: 'continue'; messageId: string }
  /** Reads a reply again from `after` characters on (its Last-Event-ID). */
  | { kind: 'resume'; messageId: string; after: number };

/** The tree and resume requests, as the signed-in person. */
export function branchApi(session: Session) {
  const path = (id: string, messageId: string) =>
    `/chat/conversations/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`;
  return {
    /** Makes the branch through `messageId` current; answers the conversation on it. */
    switchBranch: async (id: string, messageId: string) =>
      readJson<ConversationWithMessages>(
        await session.request({
          method: 'PUT',
          path: `/chat/conversations/${encodeURIComponent(id)}/current-branch`,
          body: { messageId },
        }),
      ),

    /** Starts (or, for resume, reads again) a reply and yields its events; aborting only stops reading. */
    async *startReply(id: string, start: ReplyStart, signal: AbortSignal): AsyncGenerator<ReplyEvent> {
      const response =
        start.kind === 'resume'
          ? await session.request({
              method: 'GET',
              path: `${path(id, start.messageId)}/events`,
              headers: { 'last-event-id': String(start.after) },
              signal,
            })
          : await session.request({
              method: 'POST',
              path: `${path(id, start.messageId)}/${start.kind}`,
              body: start.kind === 'edit' ? { content: start.content, stream: true } : { stream: true },
              signal,
            });
      yield* replyEvents(response);
    },
  };
}

export type ChatApi = ReturnType<typeof chatApi> & ReturnType<typeof branchApi>;
export type { Message };
