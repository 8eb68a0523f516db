import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageDocument } from '@zerochat/data';
import { AppError } from '@zerochat/runtime';
import type { ChatContext } from '../chat-context.ts';
import { messageNotFound, upstreamError } from '../problems.ts';
import type { ReplyEvent } from './reply-events.ts';

/** A reply still pending this long after its generation began was orphaned by a dead instance. */
export const STALE_MARGIN_MS = 60_000;

/**
 * A reply's events from what is stored: for a reply another instance generates (it saves its
 * text every CHAT_REPLY_PROGRESS_MS), or one that has ended. The same events as followLog
 * gives for a reply of this instance; the text comes in larger pieces. Ends with `done` or
 * `error` once the reply is stored final, or when `signal` aborts (the reader left).
 */
export async function* followStoredReply(
  chat: Pick<ChatContext, 'store' | 'settings' | 'now'>,
  reply: MessageDocument,
  after: number | undefined,
  signal: AbortSignal,
): AsyncGenerator<ReplyEvent> {
  const messageId = reply._id.toHexString();
  let sent = after ?? 0;
  if (after === undefined) {
    const data = {
      conversationId: reply.conversationId.toHexString(),
      userMessageId: reply.parentId?.toHexString() ?? null,
      messageId,
      model: reply.model ?? '',
    };
    yield { event: 'message.start', id: '0', data };
  }
  const startedAt = (reply.startedAt ?? reply.createdAt).getTime();
  const giveUpAt = startedAt + chat.settings.CHAT_GENERATION_TIMEOUT_MS + STALE_MARGIN_MS;
  let current: MessageDocument | null = reply;
  for (;;) {
    if (!current) {
      yield { event: 'error', id: String(sent), problem: messageNotFound() };
      return;
    }
    if (current.content.length > sent) {
      const id = String(current.content.length);
      yield { event: 'message.delta', id, data: { content: current.content.slice(sent) } };
      sent = current.content.length;
    }
    if (current.status !== 'pending') {
      yield ended(current, sent);
      return;
    }
    if (chat.now().getTime() > giveUpAt) {
      yield { event: 'error', id: String(sent), problem: orphaned() };
      return;
    }
    try {
      await sleep(chat.settings.CHAT_REPLY_PROGRESS_MS, undefined, { signal });
    } catch {
      return;
    }
    current = await chat.store.findMessage(reply.userId, reply.conversationId, reply._id);
  }
}

function ended(reply: MessageDocument, sent: number): ReplyEvent {
  const id = String(sent);
  if (reply.status === 'error') return { event: 'error', id, problem: upstreamError() };
  const finishReason = reply.finishReason ?? (reply.status === 'incomplete' ? 'cancelled' : 'stop');
  return { event: 'message.done', id, data: { messageId: reply._id.toHexString(), finishReason, usage: reply.usage } };
}

function orphaned(): AppError {
  return new AppError({
    code: 'upstream_error',
    status: 502,
    title: 'Upstream error',
    detail: 'The instance generating this reply went away before it ended.',
  });
}
