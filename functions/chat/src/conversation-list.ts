import { COLLECTIONS, type ConversationDocument } from '@zerochat/data';
import type { Db, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { escapeRegExp } from './search/search-text.ts';

/** Where a page of conversations starts: after this position in the list's order. */
export interface ListPosition {
  pinned: boolean;
  updatedAt: Date;
  id: ObjectId;
}

export interface ListFilter {
  /** `exclude` (the default list), `only` (the archive) or `include` (both). */
  archived: 'exclude' | 'only' | 'include';
  pinned?: boolean;
  /** A search: conversations whose title holds `query` literally, or whose id is in `ids`. */
  search?: { query: string; ids: readonly ObjectId[] };
}

const notTrue = { $ne: true } as const;

/** Conversations after `after` in the list's order: pinned first, then by latest activity. */
function afterPosition(after: ListPosition): Filter<ConversationDocument> {
  const older = {
    $or: [{ updatedAt: { $lt: after.updatedAt } }, { updatedAt: after.updatedAt, _id: { $lt: after.id } }],
  };
  return after.pinned
    ? { $or: [{ pinned: true, ...older }, { pinned: notTrue }] }
    : { $and: [{ pinned: notTrue }, older] };
}

/**
 * The parts as one filter: a flat one when no two parts name the same field (two `$or`s), else
 * `$and`. FerretDB 1.24 tests every stored conversation against the filter, and a flat one
 * costs it less; MongoDB plans the two alike.
 */
function allOf(parts: Filter<ConversationDocument>[]): Filter<ConversationDocument> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [field, condition] of Object.entries(part)) {
      if (Object.hasOwn(merged, field)) return { $and: parts };
      merged[field] = condition;
    }
  }
  return merged as Filter<ConversationDocument>;
}

/**
 * The conversation list and its filters: pinned ones first, then the most recently active;
 * archived ones only when asked for. Every query filters by the user.
 */
export function createConversationList(db: Db) {
  const conversations = db.collection<ConversationDocument>(COLLECTIONS.conversations);

  return {
    /** `limit + 1` are read to tell whether another page follows. */
    async page(userId: ObjectId, limit: number, filter: ListFilter, after?: ListPosition) {
      const parts: Filter<ConversationDocument>[] = [{ userId }];
      if (filter.archived === 'exclude') parts.push({ archived: notTrue });
      if (filter.archived === 'only') parts.push({ archived: true });
      if (filter.pinned !== undefined) parts.push({ pinned: filter.pinned ? true : notTrue });
      if (filter.search) {
        parts.push({
          $or: [
            { title: { $regex: escapeRegExp(filter.search.query), $options: 'i' } },
            { _id: { $in: [...filter.search.ids] } },
          ],
        });
      }
      if (after) parts.push(afterPosition(after));
      const found = await conversations
        .find(allOf(parts))
        .sort({ pinned: -1, updatedAt: -1, _id: -1 })
        .limit(limit + 1)
        .toArray();
      return { items: found.slice(0, limit), more: found.length > limit };
    },

    /**
     * Pins or archives without counting as activity: the conversation keeps its place in time.
     * A flag turned off is removed rather than set to false: the sort puts false above a
     * missing field, and every conversation from before pins has none.
     */
    setFlags(userId: ObjectId, id: ObjectId, flags: { pinned?: boolean; archived?: boolean }) {
      const update: UpdateFilter<ConversationDocument> = {};
      for (const name of ['pinned', 'archived'] as const) {
        if (flags[name] === true) update.$set = { ...update.$set, [name]: true };
        if (flags[name] === false) update.$unset = { ...update.$unset, [name]: '' };
      }
      return conversations.findOneAndUpdate({ _id: id, userId }, update, { returnDocument: 'after' });
    },
  };
}

export type ConversationList = ReturnType<typeof createConversationList>;
