import type { ChatApi } from '../api/chat.ts';
import { describeError, type ErrorWords } from '../api/problem.ts';
import type { ConversationList } from './conversations.ts';
import { Store } from './store.ts';

export type LiveReplyStatus = 'sending' | 'streaming' | 'done' | 'stopped' | 'failed';

/** A reply being generated, as the page shows it before the stored conversation has it. */
export interface LiveReply {
  conversationId: string;
  userContent: string;
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
  async send(conversationId: string, content: string, options: { first?: boolean } = {}): Promise<void> {
    if (this.busy(conversationId)) return;
    const controller = new AbortController();
    this.#controllers.set(conversationId, controller);
    this.state.update((replies) =>
      new Map(replies).set(conversationId, { conversationId, userContent: content, content: '', status: 'sending' }),
    );
    let text = '';
    try {
      for await (const event of this.#api.sendMessage(conversationId, content, controller.signal)) {
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
          this.#change(conversationId, { content: text });
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
