import type { MessageDocument } from '@zerochat/data';
import { type AppError, conflict } from '@zerochat/runtime';
import type { ObjectId } from 'mongodb';
import { currentPath, type MessageTree } from '../message-tree.ts';
import { messageNotFound } from '../problems.ts';
import type { EarlierMessage } from '../trim-history.ts';

/** What a reply answers: a new message, an edited one, a regenerated or a continued reply. */
export type ReplyTarget =
  /** A new message at the end of the current branch. */
  | { kind: 'message'; content: string }
  /** A new version of the user message `messageId`: its sibling, and a reply to it. */
  | { kind: 'edit'; messageId: ObjectId; content: string }
  /** Another reply to the same message as the reply `messageId`: its sibling. */
  | { kind: 'regenerate'; messageId: ObjectId }
  /** More of the reply `messageId`, which stopped before its end. */
  | { kind: 'continue'; messageId: ObjectId };

/** Where a reply goes in the tree and what the model is sent for it. */
export type ReplyPlan = {
  /**
   * The conversation before the message answered, oldest first; planned at the branch's end
   * (planAtBranchEnd), only the newest that fit the history budget: trimHistory sends those.
   */
  earlier: EarlierMessage[];
  /** The text of the user message answered. */
  next: string;
} & (
  | { kind: 'message'; parentId: ObjectId | null }
  | { kind: 'edit'; parentId: ObjectId | null }
  | { kind: 'regenerate'; answered: MessageDocument }
  | { kind: 'continue'; answered: MessageDocument; continued: MessageDocument }
);

/** Reasons a finished reply can be continued for: it was cut off, not ended by the model. */
const CONTINUABLE = new Set(['length', 'cancelled', 'timeout']);

/** Places a reply in the conversation's tree; a target that does not fit is a problem. */
export function planReply(
  target: ReplyTarget,
  tree: MessageTree<MessageDocument>,
  currentMessageId: ObjectId | null | undefined,
): ReplyPlan {
  if (target.kind === 'message') {
    const path = currentPath(tree, currentMessageId);
    return { kind: 'message', parentId: path.at(-1)?._id ?? null, earlier: history(path), next: target.content };
  }
  const message = tree.get(target.messageId);
  if (!message) throw messageNotFound();
  const path = tree.pathTo(message._id).slice(0, -1);
  if (target.kind === 'edit') {
    if (message.role !== 'user') throw wrongRole('edited', 'user');
    return { kind: 'edit', parentId: tree.parentId(message._id), earlier: history(path), next: target.content };
  }
  if (message.role !== 'assistant') throw wrongRole(target.kind === 'continue' ? 'continued' : 'regenerated', 'reply');
  const answered = path.at(-1);
  if (answered?.role !== 'user') throw conflict('This reply answers no message of yours, so it cannot be redone.');
  const plan = { earlier: history(path.slice(0, -1)), next: answered.content, answered };
  if (target.kind === 'regenerate') return { kind: 'regenerate', ...plan };
  if (message.status === 'pending') throw conflict('This reply is still being generated.');
  const cut = message.status === 'incomplete' || CONTINUABLE.has(message.finishReason ?? '');
  if (!cut)
    throw conflict(
      'Only a reply that stopped before its end (its length limit, a stop, a time limit) can be continued.',
    );
  return { kind: 'continue', ...plan, continued: message };
}

/** The messages worth sending along. */
function history(path: readonly MessageDocument[]): EarlierMessage[] {
  return path.flatMap((message) => sentAlong(message) ?? []);
}

/** A message as the model is sent it when it is worth sending (finished, with text); else undefined. */
export function sentAlong(message: MessageDocument): EarlierMessage | undefined {
  const finished = message.status === 'complete' || message.status === 'incomplete';
  if (!finished || message.content === '' || (message.role !== 'user' && message.role !== 'assistant'))
    return undefined;
  return { role: message.role, content: message.content };
}

function wrongRole(action: string, role: string): AppError {
  return conflict(`Only a ${role === 'user' ? 'message of yours' : role} can be ${action}.`);
}
