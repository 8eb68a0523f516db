import type { MessageUsage } from '@zerochat/data';
import type { AppError } from '@zerochat/runtime';
import type { FinishReason } from './stream-reply.ts';

/**
 * What a reply tells its readers, in order: `message.start`, `message.delta` (many), then
 * `message.done` or `error`. Routes render these as SSE or fold them into one JSON body.
 */
export type ReplyEvent =
  | {
      event: 'message.start';
      id: string;
      /** userMessageId is null only when resuming a reply stored before branches. */
      data: { conversationId: string; userMessageId: string | null; messageId: string; model: string };
    }
  | { event: 'message.delta'; id: string; data: { content: string } }
  | {
      event: 'message.done';
      id: string;
      data: { messageId: string; finishReason: FinishReason; usage: MessageUsage | null };
    }
  /** After the first reply's `message.done`, when the model named the conversation in time. */
  | { event: 'conversation.title'; id: string; data: { conversationId: string; title: string } }
  /** The problem is rendered per request: it carries the reader's request id. */
  | { event: 'error'; id: string; problem: AppError };

/** An event before it is numbered: the reply gives it its id when it is logged. */
export type ReplyEventBody = ReplyEvent extends infer E ? (E extends ReplyEvent ? Omit<E, 'id'> : never) : never;
