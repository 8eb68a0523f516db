import type { ConversationDocument, MessageDocument } from '@zerochat/data';
import type { ObjectId } from 'mongodb';
import type { ChatStore } from '../chat-store.ts';
import { firstChildId } from '../first-child-id.ts';
import { type EarlierMessage, historyRoom } from '../trim-history.ts';
import { type ReplyPlan, sentAlong } from './plan-reply.ts';

/**
 * Messages read one by one at most, the branch's end included, before the whole conversation
 * is read instead. Each is a round trip: on MongoDB, whose index answers the whole read in one,
 * a longer walk would cost more than it saves. On FerretDB 1.24 the whole read decodes every
 * message stored in Go (its SQLite backend hands SQLite only a filter on `_id` alone), while a
 * lookup by `_id` is one search of its `_id` index in the build zerochat runs (FerretDB as
 * released scans the table for it too; see local-services' go-build.ts).
 */
export const BRANCH_WALK_LIMIT = 16;

/** Where a plan starts: the branch's end (null: no message yet) and whether a message follows it. */
export interface BranchEnd {
  end: ObjectId | null;
  last: MessageDocument | null;
  followed: boolean;
}

type BranchEndStore = Pick<ChatStore, 'findMessage' | 'hasMessage'>;

/** The two lookups a plan at `end` starts from, at once. */
export async function lookUpBranchEnd(
  store: BranchEndStore,
  conversation: Pick<ConversationDocument, '_id' | 'userId'>,
  end: ObjectId | null,
): Promise<BranchEnd> {
  const [last, followed] = await Promise.all([
    end ? store.findMessage(conversation.userId, conversation._id, end) : null,
    store.hasMessage(firstChildId(conversation._id, end)),
  ]);
  return { end, last, followed };
}

/**
 * A new message's plan from the end of the current branch up, by `_id` alone, only as far as
 * the history budget reaches: the same parent, and the same messages sent, as planReply over
 * the whole conversation gives. Undefined when that cannot be known so, and the whole
 * conversation is to be read: the conversation does not know that its current message ends
 * its branch (currentIsLeaf), a message was added below it since (firstChildId), the branch
 * leads to a message that is gone or written before branches (no `parentId`: its place follows
 * from the order of them all), or it is longer than BRANCH_WALK_LIMIT messages. `guessed` is
 * lookUpBranchEnd at the end the conversation was expected to have, asked before it was read:
 * used when the conversation has that end, else the lookups are asked again.
 */
export async function planAtBranchEnd(
  store: BranchEndStore,
  conversation: ConversationDocument,
  content: string,
  budgetChars: number,
  guessed?: Promise<BranchEnd>,
): Promise<ReplyPlan | undefined> {
  if (conversation.currentIsLeaf !== true || conversation.currentMessageId === undefined) return undefined;
  const end = conversation.currentMessageId;
  const read = (id: MessageDocument['_id']) => store.findMessage(conversation.userId, conversation._id, id);
  // A guess that failed to read is asked again like a wrong one: the error, if it lasts, comes from there.
  const early = await guessed?.catch(() => undefined);
  const sameEnd = early && (early.end === null ? end === null : end !== null && early.end.equals(end));
  const { last, followed } = sameEnd ? early : await lookUpBranchEnd(store, conversation, end);
  if (followed || (end && !last)) return undefined;

  // trimHistory's rule, from the newest back: each message while it fits, up to the first that does not.
  let room = historyRoom({ systemPrompt: conversation.systemPrompt, next: content, budgetChars });
  const earlier: EarlierMessage[] = [];
  let reads = 1;
  for (let message: MessageDocument | null = last; message; ) {
    const sent = sentAlong(message);
    if (sent) {
      if (sent.content.length > room) break;
      room -= sent.content.length;
      earlier.unshift(sent);
    }
    // Nothing more fits: a message sent along has text.
    if (message.parentId === null || room < 1) break;
    if (message.parentId === undefined || reads++ === BRANCH_WALK_LIMIT) return undefined;
    message = await read(message.parentId);
    if (!message) return undefined;
  }
  return { kind: 'message', parentId: end, earlier, next: content };
}
