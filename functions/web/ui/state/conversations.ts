import type { ChatApi } from '../api/chat.ts';
import type { Conversation } from '../api/types.ts';
import { Store } from './store.ts';

export interface ConversationListState {
  items: Conversation[];
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
  /** The search's text; '' lists them all. */
  query: string;
  /** The archive is shown instead of the list. */
  archive: boolean;
  /**
   * Chat lists conversations with `pinned` and `archived`, and so has pins, the archive and
   * search; until it is seen to (an older chat, or no conversation yet) the page offers none.
   */
  organised: boolean;
}

/** The signed-in person's conversations, newest first, as the sidebar shows them. */
export class ConversationList {
  readonly state = new Store<ConversationListState>({
    items: [],
    nextCursor: null,
    loading: false,
    error: null,
    query: '',
    archive: false,
    organised: false,
  });
  #generation = 0;
  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  async load(more = false): Promise<void> {
    const cursor = more ? this.state.value.nextCursor : null;
    if (more && !cursor) return;
    // A later search or view wins over an answer still on its way.
    const generation = ++this.#generation;
    const { query, archive } = this.state.value;
    this.state.update((state) => ({ ...state, loading: true, error: null }));
    try {
      const page = await this.#api.listConversations({
        cursor: cursor ?? undefined,
        q: query || undefined,
        archived: archive,
      });
      if (generation !== this.#generation) return;
      this.state.update((state) => ({
        ...state,
        items: more
          ? [...state.items, ...page.items.filter((item) => !state.items.some((i) => i.id === item.id))]
          : page.items,
        nextCursor: page.nextCursor,
        loading: false,
        error: null,
        organised: state.organised || page.items.some((item) => typeof item.pinned === 'boolean'),
      }));
    } catch (error) {
      if (generation === this.#generation) this.state.update((state) => ({ ...state, loading: false, error }));
    }
  }

  /** Lists the conversations that hold `query` (all of them for ''). */
  search(query: string): Promise<void> {
    this.state.update((state) => ({ ...state, query: query.trim() }));
    return this.load();
  }

  /** Shows the archive, or the list again. */
  showArchive(archive: boolean): Promise<void> {
    this.state.update((state) => ({ ...state, archive }));
    return this.load();
  }

  /** Pins or unpins one; the list is read again, since pinned ones come first. */
  async pin(id: string, pinned: boolean): Promise<void> {
    this.change(id, await this.#api.organiseConversation(id, { pinned }));
    await this.load();
  }

  /** Archives one (or takes it out of the archive): it leaves the list shown. */
  async archive(id: string, archived: boolean): Promise<void> {
    await this.#api.organiseConversation(id, { archived });
    this.state.update((state) => ({ ...state, items: state.items.filter((item) => item.id !== id) }));
  }

  /** Puts a new or changed conversation first (its updatedAt is the newest). */
  put(conversation: Conversation): void {
    this.state.update((state) => {
      const others = state.items.filter((item) => item.id !== conversation.id);
      // Pinned ones stay first: an unpinned conversation goes first after them.
      const at = conversation.pinned ? 0 : others.filter((item) => item.pinned).length;
      return { ...state, items: [...others.slice(0, at), conversation, ...others.slice(at)] };
    });
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
