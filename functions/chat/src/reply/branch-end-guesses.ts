import { RecentMap } from '@zerochat/runtime';
import type { ObjectId } from 'mongodb';

/**
 * The message each conversation's current branch ended at when this instance last replied in
 * it. A new message's first two lookups (that message, and whether another follows it) can
 * then be asked beside the conversation's own read rather than after it, one round trip
 * before the model is asked instead of two. Only a guess: the conversation as read decides, and
 * a wrong one (another instance replied since, the branch was switched) costs those two
 * lookups once more.
 */
export interface BranchEndGuesses {
  get(conversationId: ObjectId): ObjectId | undefined;
  set(conversationId: ObjectId, end: ObjectId): void;
}

/** Remembers at most `maxEntries` conversations; the least recently replied in go first. */
export function createBranchEndGuesses(maxEntries = 10_000): BranchEndGuesses {
  const ends = new RecentMap<string, ObjectId>(maxEntries);
  return {
    get: (conversationId) => ends.get(conversationId.toHexString()),
    set: (conversationId, end) => void ends.set(conversationId.toHexString(), end),
  };
}
