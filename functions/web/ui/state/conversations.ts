import type { ChatApi } from '../api/chat.ts';
import type { Conversation } from '../api/types.ts';
import { Store } from './store.ts';

export interface ConversationListState {
  items: Conversation[];
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
}

/** The signed-in person's conversations, newest first, as the sidebar shows them. */
export class ConversationList {
  readonly state = new Store<ConversationListState>({ items: [], nextCursor: null, loading: false, error: null });
  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  async load(more = false): Promise<void> {
    const cursor = more ? this.state.value.nextCursor : null;
    if (more && !cursor) return;
    this.state.update((state) => ({ ...state, loading: true, error: null }));
    try {
      const page = await this.#api.listConversations(cursor ?? undefined);
      this.state.update((state) => ({
        items: more
          ? [...state.items, ...page.items.filter((item) => !state.items.some((i) => i.id === item.id))]
          : page.items,
        nextCursor: page.nextCursor,
        loading: false,
        error: null,
      }));
    } catch (error) {
      this.state.update((state) => ({ ...state, loading: false, error }));
    }
  }

  /** Puts a new or changed conversation first (its updatedAt is the newest). */
  put(conversation: Conversation): void {
    this.state.update((state) => ({
      ...state,
      items: [conversation, ...state.items.filter((item) => item.id !== conversation.id)],
    }));
  }

  /** Changes one conversation in place (a title), keeping its position. */
  change(id: string, change: Partial<Conversation>): void {
    this.state.update((state) => ({
      ...state,
      items: state.items.map((item) => (item.id === id ? { ...item, ...change } : item)),
    }));
  }

  /** Moves a conversation that just got a message to the top. */
  touch(id: string): void {
    const found = this.state.value.items.find((item) => item.id === id);
    if (found) this.put({ ...found, updatedAt: new Date().toISOString() });
  }

  /** Reads one conversation's title again (the first message names a new one). */
  async refresh(id: string): Promise<void> {
    const { title, updatedAt } = await this.#api.getConversation(id);
    this.change(id, { title, updatedAt });
  }

  async rename(id: string, title: string): Promise<void> {
    const renamed = await this.#api.renameConversation(id, title);
    this.change(id, renamed);
  }

  async remove(id: string): Promise<void> {
    await this.#api.deleteConversation(id);
    this.state.update((state) => ({ ...state, items: state.items.filter((item) => item.id !== id) }));
  }
}
