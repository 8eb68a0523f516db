import type { ChatApi, ReplyEvent, ReplyStart } from '../api/chat.ts';
import { describeError, type ErrorWords } from '../api/problem.ts';
import type { ConversationList } from './conversations.ts';
import { Store } from './store.ts';

export type LiveReplyStatus = 'sending' | 'streaming' | 'done' | 'stopped' | 'failed';

/** A reply being generated, as the page shows it before the stored conversation has it. */
export interface LiveReply {
  conversationId: string;
  /** The user message shown above the reply; none when the reply answers a stored one. */
  userContent?: string | undefined;
  /**
   * The stored message the live ones replace, with everything after it on the branch (the
   * edited message, the regenerated or continued reply); none for a new message at the end.
   */
  replaces?: string | undefined;
  content: string;
  status: LiveReplyStatus;
  userMessageId?: string;
  messageId?: string;
  model?: string;
  finishReason?: string;
  error?: ErrorWords;
}

const FINISHED: readonly LiveReplyStatus[] = ['done', 'stopped', 'failed'];
export const isFinished = (reply: LiveReply) => FINISHED.includes(reply.status);

/**
 * The replies in progress, by conversation. They live outside the views, so a reply goes on
 * while the person looks at another conversation.
 */
export class Replies {
  readonly state = new Store<ReadonlyMap<string, LiveReply>>(new Map());
  readonly #controllers = new Map<string, AbortController>();
  /** Conversations whose reply was stopped before it had an id: stopped as soon as it has one. */
  readonly #stopWhenStarted = new Set<string>();
  readonly #api: ChatApi;
  readonly #conversations: ConversationList;

  constructor(api: ChatApi, conversations: ConversationList) {
    this.#api = api;
    this.#conversations = conversations;
  }

  #change(conversationId: string, change: Partial<LiveReply>) {
    this.state.update((replies) => {
      const current = replies.get(conversationId);
      if (!current) return replies;
      return new Map(replies).set(conversationId, { ...current, ...change });
    });
  }

  busy(conversationId: string): boolean {
    const reply = this.state.value.get(conversationId);
    return reply !== undefined && !isFinished(reply);
  }

  /**
   * Sends the message and follows its reply until it is done, stopped or failed. `first`: the
   * conversation's first message, which gives it its title.
   */
  send(conversationId: string, content: string, options: { first?: boolean } = {}): Promise<void> {
    return this.#follow(
      { conversationId, userContent: content, content: '', status: 'sending' },
      (signal) => this.#api.sendMessage(conversationId, content, signal),
      options,
    );
  }

  /**
   * Edits a user message, regenerates or continues a reply, or reads again a reply still being
   * generated (`resume`, from the `content` the page has of it), and follows the new reply.
   */
  restart(
    conversationId: string,
    start: ReplyStart,
    shown: { userContent?: string; content?: string; userMessageId?: string | null; model?: string | null } = {},
  ): Promise<void> {
    const resumed = start.kind === 'continue' || start.kind === 'resume';
    return this.#follow(
      {
        conversationId,
        userContent: shown.userContent,
        replaces: start.messageId,
        content: shown.content ?? '',
        status: start.kind === 'resume' ? 'streaming' : 'sending',
        // A continued or resumed reply keeps its id: known before its stream starts.
        messageId: resumed ? start.messageId : undefined,
        userMessageId: resumed ? (shown.userMessageId ?? undefined) : undefined,
        model: shown.model ?? undefined,
      },
      (signal) => this.#api.startReply(conversationId, start, signal),
      {},
    );
  }

  async #follow(
    initial: LiveReply,
    events: (signal: AbortSignal) => AsyncGenerator<ReplyEvent>,
    options: { first?: boolean },
  ): Promise<void> {
    const { conversationId } = initial;
    if (this.busy(conversationId)) return;
    const controller = new AbortController();
    this.#controllers.set(conversationId, controller);
    this.state.update((replies) => new Map(replies).set(conversationId, initial));
    let text = initial.content;
    try {
      for await (const event of events(controller.signal)) {
        if (event.type === 'start') {
          if (this.#stopWhenStarted.delete(conversationId)) this.#stopOnServer(conversationId, event.messageId);
          this.#conversations.touch(conversationId);
          if (options.first) void this.#conversations.refresh(conversationId).catch(() => undefined);
          this.#change(conversationId, {
            status: 'streaming',
            userMessageId: event.userMessageId,
            messageId: event.messageId,
            model: event.model,
          });
        } else if (event.type === 'delta') {
          text += event.content;
          this.#change(conversationId, { status: 'streaming', content: text });
        } else if (event.type === 'done') {
          this.#change(conversationId, {
            status: event.finishReason === 'cancelled' ? 'stopped' : 'done',
            finishReason: event.finishReason,
          });
        } else if (event.type === 'title') {
          this.#conversations.change(conversationId, { title: event.title });
        } else if (event.type === 'error') {
          this.#change(conversationId, { status: 'failed', error: describeError(event.error) });
        }
      }
      const reply = this.state.value.get(conversationId);
      if (reply && !isFinished(reply))
        this.#change(conversationId, { status: 'failed', error: describeError(new Error('The reply ended early.')) });
    } catch (error) {
      if (controller.signal.aborted) this.#change(conversationId, { status: 'stopped' });
      else this.#change(conversationId, { status: 'failed', error: describeError(error) });
    } finally {
      this.#controllers.delete(conversationId);
      this.#stopWhenStarted.delete(conversationId);
    }
  }

  /**
   * Stops the reply: the server stops it (wherever it is generated) and keeps what was
   * generated so far; its stream then ends as stopped. Closing the stream alone would not
   * stop it: a reply outlives its reader, so that a reload can pick it up.
   */
  stop(conversationId: string): void {
    const messageId = this.state.value.get(conversationId)?.messageId;
    if (messageId) this.#stopOnServer(conversationId, messageId);
    else this.#stopWhenStarted.add(conversationId);
  }

  #stopOnServer(conversationId: string, messageId: string): void {
    // When the stop cannot be sent, the page at least stops waiting for the reply.
    void this.#api.stopReply(conversationId, messageId).catch(() => this.#controllers.get(conversationId)?.abort());
  }

  /**
   * Stops following every reply in progress: the person signed out, so the page can no longer
   * ask for a stop; the replies end and are stored on the server.
   */
  stopAll(): void {
    for (const controller of this.#controllers.values()) controller.abort();
  }

  /** Forgets a finished reply once the stored conversation shows it. */
  forget(conversationId: string): void {
    const reply = this.state.value.get(conversationId);
    if (!reply || !isFinished(reply)) return;
    this.state.update((replies) => {
      const next = new Map(replies);
      next.delete(conversationId);
      return next;
    });
  }
}
