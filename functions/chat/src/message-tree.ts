import type { ObjectId } from 'mongodb';

/** What the tree needs of a message. */
export interface TreeMessage {
  _id: ObjectId;
  /** null: a first message; absent: written before branches existed (see messageTree). */
  parentId?: ObjectId | null;
  createdAt: Date;
}

/**
 * A conversation's messages as a tree. Each message names its parent; messages written before
 * branches existed name none and form one line, each after the one before it, so existing
 * conversations read as they always did without a migration. A message whose parent is gone
 * (a subtree delete that stopped halfway) is left out.
 *
 * `messages` must be oldest first (createdAt, then _id).
 */
export function messageTree<T extends TreeMessage>(messages: readonly T[]) {
  const parentOf = new Map<string, string | null>();
  const childrenOf = new Map<string | null, T[]>();
  let lastLinear: string | null = null;
  for (const message of messages) {
    const id = message._id.toHexString();
    const parent = message.parentId === undefined ? lastLinear : (message.parentId?.toHexString() ?? null);
    if (message.parentId === undefined) lastLinear = id;
    parentOf.set(id, parent);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), message]);
  }
  // Only what hangs from a first message counts: that leaves out orphans and their subtrees.
  const byId = new Map<string, T>();
  const reachable = [...(childrenOf.get(null) ?? [])];
  for (let i = 0; i < reachable.length; i++) {
    const id = (reachable[i] as T)._id.toHexString();
    byId.set(id, reachable[i] as T);
    reachable.push(...(childrenOf.get(id) ?? []));
  }
  const children = (id: string | null) => childrenOf.get(id) ?? [];

  return {
    get: (id: ObjectId): T | undefined => byId.get(id.toHexString()),
    /** The message's parent's id; null for a first message. */
    parentId(id: ObjectId): ObjectId | null {
      const parent = parentOf.get(id.toHexString());
      return parent ? (byId.get(parent)?._id ?? null) : null;
    },
    /** The messages that share the message's parent, itself included, oldest first. */
    siblings(id: ObjectId): T[] {
      return children(parentOf.get(id.toHexString()) ?? null);
    },
    /** The newest leaf below `id` (itself when it has no children); with null, of the whole tree. */
    newestLeafBelow(id: ObjectId | null): T | undefined {
      let current = id ? byId.get(id.toHexString()) : undefined;
      if (id && !current) return undefined;
      for (;;) {
        const next = children(current ? current._id.toHexString() : null).at(-1);
        if (!next) return current;
        current = next;
      }
    },
    /** The messages from the first down to `id`, in order. */
    pathTo(id: ObjectId): T[] {
      const path: T[] = [];
      for (let at: string | null = id.toHexString(); at !== null; at = parentOf.get(at) ?? null) {
        const message = byId.get(at);
        if (!message) break;
        path.push(message);
      }
      return path.reverse();
    },
    /** The message and everything below it. */
    subtree(id: ObjectId): T[] {
      const root = byId.get(id.toHexString());
      if (!root) return [];
      const found = [root];
      for (let i = 0; i < found.length; i++) found.push(...children((found[i] as T)._id.toHexString()));
      return found;
    },
  };
}

export type MessageTree<T extends TreeMessage> = ReturnType<typeof messageTree<T>>;

/**
 * The conversation's current path: down to its current message and on to the newest leaf
 * below it; the newest leaf of all when there is no current message (or it is gone).
 */
export function currentPath<T extends TreeMessage>(tree: MessageTree<T>, current: ObjectId | null | undefined): T[] {
  const leaf = (current ? tree.newestLeafBelow(current) : undefined) ?? tree.newestLeafBelow(null);
  return leaf ? tree.pathTo(leaf._id) : [];
}
