import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { currentPath, messageTree, type TreeMessage } from './message-tree.ts';

let minute = 0;
/** A message made a minute after the one before; `parent` undefined: written before branches. */
function message(parent?: TreeMessage | null): TreeMessage & { name?: string } {
  return {
    _id: new ObjectId(),
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, minute++)),
    ...(parent === undefined ? {} : { parentId: parent?._id ?? null }),
  };
}
const ids = (messages: TreeMessage[]) => messages.map((m) => m._id.toHexString());

describe('a message tree', () => {
  it('reads messages without parents as one line, oldest first', () => {
    const a = message();
    const b = message();
    const c = message();
    const tree = messageTree([a, b, c]);
    expect(ids(currentPath(tree, undefined))).toEqual(ids([a, b, c]));
    expect(tree.parentId(b._id)).toEqual(a._id);
    expect(tree.parentId(a._id)).toBeNull();
    expect(ids(tree.siblings(b._id))).toEqual(ids([b]));
  });

  it('branches: siblings oldest first, the current path follows the current message to its newest leaf', () => {
    const question = message(null);
    const first = message(question);
    const second = message(question);
    const followUp = message(first);
    const answer = message(followUp);
    const tree = messageTree([question, first, second, followUp, answer]);
    expect(ids(tree.siblings(second._id))).toEqual(ids([first, second]));
    // Without a current message: the newest leaf of all, through the newest children.
    expect(ids(currentPath(tree, undefined))).toEqual(ids([question, second]));
    expect(ids(currentPath(tree, first._id))).toEqual(ids([question, first, followUp, answer]));
    expect(ids(currentPath(tree, new ObjectId()))).toEqual(ids([question, second]));
    expect(ids(tree.subtree(first._id))).toEqual(ids([first, followUp, answer]));
  });

  it('joins new messages to a conversation written before branches, whatever their dates', () => {
    const old = [message(), message()];
    // Written "before" the old ones by the clock, but naming the last of them as parent.
    const early = { _id: new ObjectId(), createdAt: new Date(Date.UTC(2020, 0, 1)), parentId: old[1]?._id ?? null };
    const tree = messageTree([early, ...old]);
    expect(ids(currentPath(tree, early._id))).toEqual(ids([...old, early]));
    expect(tree.parentId(old[1]?._id as ObjectId)).toEqual(old[0]?._id);
  });

  it('leaves out a message whose parent is gone, and everything below it', () => {
    const root = message(null);
    const gone = message(root);
    const orphan = message(gone);
    const below = message(orphan);
    const tree = messageTree([root, orphan, below]);
    expect(tree.get(orphan._id)).toBeUndefined();
    expect(tree.get(below._id)).toBeUndefined();
    expect(ids(currentPath(tree, below._id))).toEqual(ids([root]));
  });
});
