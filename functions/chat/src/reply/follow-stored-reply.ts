import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageDocument } from '@zerochat/data';
import { AppError, type Logger } from '@zerochat/runtime';
import type { ChatContext } from '../chat-context.ts';
import { messageNotFound, upstreamError } from '../problems.ts';
import { settleIfOrphaned } from './orphaned-reply.ts';
import type { ReplyEvent } from './reply-events.ts';

/**
 * A reply's events from what is stored: for a reply another instance generates (it saves its
 * text every CHAT_REPLY_PROGRESS_MS), or one that has ended. The same events as followLog
 * gives for a reply of this instance; the text comes in larger pieces. Ends with `done` or
 * `error` once the reply is stored final, or when `signal` aborts (the reader left). A reply
 * whose instance died (its generation lease lapsed) is stored as failed, and ends in `error`.
 */
export async function* followStoredReply(
  chat: Pick<ChatContext, 'store' | 'settings' | 'now' | 'slots'>,
  reply: MessageDocument,
  after: number | undefined,
  signal: AbortSignal,
  log: Logger,
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
  // A lease changes no faster than it is renewed: no need to look more often.
  const orphanCheckMs = chat.settings.CHAT_GENERATION_LEASE_MS / 3;
  let nextOrphanCheck = 0;
  let orphanedNow = false;
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
      const failed = orphanedNow && current.status === 'error';
      yield failed ? { event: 'error', id: String(sent), problem: orphaned() } : ended(current, sent);
      return;
    }
    if (performance.now() >= nextOrphanCheck) {
      nextOrphanCheck = performance.now() + orphanCheckMs;
      const settled = await settleIfOrphaned(chat, current, false, log);
      if (settled.reply.status !== 'pending') {
        // Ended, by this check or meanwhile: its last text, then how it ended.
        orphanedNow = settled.orphaned;
        current = settled.reply;
        continue;
      }
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
