// The shapes of zerochat's API that the page reads (see each function's /<fn>/openapi.json).

export interface User {
  id: string;
  email: string;
  displayName: string | null;
  role: 'user' | 'admin';
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** Absent when auth set it as an httpOnly cookie instead. */
  refreshToken?: string;
  user: User;
}

export interface Conversation {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  /** Absent where chat has no pins and archive (the page then offers neither). */
  pinned?: boolean;
  archived?: boolean;
  /** In a search's answer: the newest message holding the text, or null when the title does. */
  match?: { messageId: string; role: 'user' | 'assistant' | 'system'; snippet: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type MessageStatus = 'pending' | 'complete' | 'incomplete' | 'error';

export interface Message {
  id: string;
  conversationId: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  model: string | null;
  usage: { promptTokens: number; completionTokens: number; durationMs: number } | null;
  createdAt: string;
  /** Where chat keeps a message tree (docs/chat.md): the message it follows, and its versions. */
  parentId?: string | null;
  siblingIds?: string[];
  finishReason?: string | null;
}

export interface ConversationWithMessages extends Conversation {
  /** The current branch, oldest first. */
  messages: Message[];
  currentMessageId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Model {
  name: string;
  default: boolean;
  loaded: boolean;
  family: string | null;
  parameterSize: string | null;
  quantization: string | null;
  sizeBytes: number;
}

export interface ModelList {
  defaultModel: string;
  models: Model[];
}

/** A reply's model options that a person may set as their defaults (docs/chat.md). */
export type ModelOptions = Partial<
  Record<'temperature' | 'top_p' | 'top_k' | 'min_p' | 'repeat_penalty' | 'num_ctx' | 'seed' | 'num_predict', number>
> & { stop?: string[] };

/** GET /chat/settings: the person's defaults for new conversations and replies. */
export interface ChatDefaults {
  model: string | null;
  systemPrompt: string | null;
  options: ModelOptions;
  updatedAt: string | null;
}
