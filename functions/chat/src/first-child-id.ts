import { ObjectId } from 'mongodb';

/**
 * The id a new message takes when it is the first added below `parentId` (null: the
 * conversation's first message). Derived from the parent, so that whether a message still
 * ends its branch is one lookup by `_id` (see ConversationDocument.currentIsLeaf): FerretDB
 * answers a filter on `_id` alone from SQLite, any other by decoding every message stored.
 *
 * It is the parent's id one second later, so that it sorts after the parent and its ancestors
 * (search takes a conversation's newest match by id). The driver never makes it: in the
 * parent's process the ids of that second count on from the parent's counter, and other
 * processes' ids differ in their random part.
 */
export function firstChildId(conversationId: ObjectId, parentId: ObjectId | null): ObjectId {
  const id = new Uint8Array((parentId ?? conversationId).id);
  const seconds = new DataView(id.buffer);
  seconds.setUint32(0, seconds.getUint32(0) + 1);
  return new ObjectId(id);
}
