import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';

/**
 * The id a new message takes when it is the first added below `parentId` (null: the
 * conversation's first message). Derived from the parent, so that whether a message still
 * ends its branch is one lookup by `_id` (see ConversationDocument.currentIsLeaf): FerretDB
 * answers a filter on `_id` alone from SQLite, any other by reading every message stored.
 * The parent's creation time leads it, so that ids still sort about by time; a hash of the
 * parent's id follows.
 */
export function firstChildId(conversationId: ObjectId, parentId: ObjectId | null): ObjectId {
  const parent = parentId ?? conversationId;
  const digest = createHash('sha256').update('first-child\0').update(parent.id).digest();
  const id = new Uint8Array(12);
  id.set(parent.id.subarray(0, 4));
  id.set(digest.subarray(0, 8), 4);
  return new ObjectId(id);
}
