import type { MessageDocument } from '@zerochat/data';
import type { Logger } from '@zerochat/runtime';
import type { ChatContext } from '../chat-context.ts';

/** For a reply stored before leases were kept: how long after any generation could have ended it counts as orphaned. */
const LEGACY_STALE_MARGIN_MS = 60_000;

/**
 * Whether a pending reply's generation is over without being stored: the instance generating
 * it died. Its generation slot's lease lapsed (nothing renews it); for a reply without a
 * lease, no generation could still be running.
 */
export async function isOrphaned(
  chat: Pick<ChatContext, 'slots' | 'settings' | 'now'>,
  reply: MessageDocument,
): Promise<boolean> {
  if (reply.status !== 'pending') return false;
  const startedAt = (reply.startedAt ?? reply.createdAt).getTime();
  const now = chat.now().getTime();
  if (reply.leaseId) {
    // The slot is taken beside the reply's first write (startReply), so a reply just written
    // may not hold its lease yet. A lease once taken lapses no sooner than its length after
    // the reply started: until then, a lease not found is one still to come.
    if (now < startedAt + chat.settings.CHAT_GENERATION_LEASE_MS) return false;
    return !(await chat.slots.held(reply.leaseId));
  }
  return now > startedAt + chat.settings.CHAT_GENERATION_TIMEOUT_MS + LEGACY_STALE_MARGIN_MS;
}

/**
 * A reply as it should be read: one left pending by a dead instance is stored as ended first,
 * with its text so far: stopped (`incomplete`) when a stop asked for it (`stopping`, or one
 * before), failed (`error`) otherwise. `orphaned` tells that this call ended it. Any other
 * reply comes back as it is.
 */
export async function settleIfOrphaned(
  chat: Pick<ChatContext, 'slots' | 'settings' | 'now' | 'store'>,
  reply: MessageDocument,
  stopping: boolean,
  log: Logger,
): Promise<{ reply: MessageDocument; orphaned: boolean }> {
  if (!(await isOrphaned(chat, reply))) return { reply, orphaned: false };
  const status = stopping || reply.stopRequestedAt ? 'incomplete' : 'error';
  const settled = await chat.store.settleOrphan(reply, status);
  if (settled) {
    log.warn('a reply left pending by an instance that went away is stored as ended', {
      messageId: reply._id.toHexString(),
      status,
    });
    return { reply: settled, orphaned: true };
  }
  // It ended meanwhile, or another generation took it over: as it is now.
  const now = await chat.store.findMessage(reply.userId, reply.conversationId, reply._id);
  return { reply: now ?? reply, orphaned: false };
}
