import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  COLLECTIONS,
  isDuplicateKey,
  type LockDocument,
  type MessageDocument,
  type SearchIndexDocument,
  type SearchLogDocument,
} from '@zerochat/data';
import type { Lifecycle, Logger } from '@zerochat/runtime';
import { Binary, type Db, ObjectId } from 'mongodb';
import { oneLine, snippetAround } from './search-text.ts';

// A user's searchable text lives in one document per user (see SearchIndexDocument): FerretDB
// 1.24 has no text index and scans a whole collection for any filter but `_id`, which for a
// user with 10 000 messages takes seconds. Writers append small documents to a log; the log is
// folded into the user's document a moment later, under a lease, and a search folds in what is
// still in the log, so a search sees every write that finished before it.

/** Where a query matched: the newest matching message of a conversation. */
export interface SearchMatch {
  messageId: string;
  role: 'user' | 'assistant';
  snippet: string;
}

export interface SearchIndex {
  /** A message whose content is final (a user's message as stored). */
  put(message: Pick<MessageDocument, '_id' | 'userId' | 'conversationId' | 'role' | 'content'>): Promise<void>;
  /** Many messages of one user at once (an import): one write to the log and one fold. */
  putMany(
    userId: ObjectId,
    messages: ReadonlyArray<Pick<MessageDocument, '_id' | 'conversationId' | 'role' | 'content'>>,
  ): Promise<void>;
  dropMessages(userId: ObjectId, messageIds: ObjectId[]): Promise<void>;
  dropConversation(userId: ObjectId, conversationId: ObjectId): Promise<void>;
  /** The user's conversations (hex ids) with a message matching `pattern`, each with its newest match. */
  find(userId: ObjectId, pattern: RegExp): Promise<Map<string, SearchMatch>>;
}

export interface SearchIndexOptions {
  db: Db;
  lifecycle: Lifecycle;
  log: Logger;
  now: () => Date;
  /** Text kept per user; past it the oldest messages leave the index. */
  maxBytes?: number;
}

const ID_CHARS = 24;
/** A line: message id, conversation id, role letter, then the text. */
const TEXT_AT = 2 * ID_CHARS + 1;
const LEASE_MS = 60_000;
/** Uncompressed; compressed it is well below MongoDB's 16 MiB document limit. */
const DEFAULT_MAX_BYTES = 12 * 1024 * 1024;
/**
 * How long a fold waits for the writes after the one that asked for it: about a reply's length
 * with a small model, so that its question's write and its own share one.
 */
const FOLD_DELAY_MS = 1000;

function lineOf(messageId: string, conversationId: string, role: 'user' | 'assistant', text: string): string {
  return `${messageId}${conversationId}${role === 'user' ? 'u' : 'a'}${oneLine(text)}`;
}

/** Lines by message id, in the order of the ids (oldest first). */
type Lines = Map<string, string>;

// Compressed and uncompressed on libuv's threads: a user with 10 000 messages has a 5 MiB
// index, and zlib on the event loop held every other request of the instance for half a second
// at each fold.
const compress = promisify(gzip);
const uncompress = promisify(gunzip);

async function parse(stored: Binary): Promise<Lines> {
  const lines: Lines = new Map();
  const text = (await uncompress(stored.buffer)).toString('utf8');
  if (!text) return lines;
  for (const line of text.split('\n')) lines.set(line.slice(0, ID_CHARS), line);
  return lines;
}

function fold(lines: Lines, entries: readonly SearchLogDocument[]): Lines {
  for (const entry of entries) {
    if (entry.op === 'put') {
      const id = entry.messageId.toHexString();
      lines.set(id, lineOf(id, entry.conversationId.toHexString(), entry.role, entry.text));
    } else if (entry.op === 'drop-messages') {
      for (const id of entry.messageIds) lines.delete(id.toHexString());
    } else {
      const conversation = entry.conversationId.toHexString();
      for (const [id, line] of lines) if (line.slice(ID_CHARS, 2 * ID_CHARS) === conversation) lines.delete(id);
    }
  }
  return lines;
}

/** The lines as stored: oldest first, the oldest left out when they exceed `maxBytes`, compressed. */
async function serialise(lines: Lines, maxBytes: number): Promise<Binary> {
  const ordered = [...lines.keys()].sort().map((id) => lines.get(id) as string);
  let bytes = ordered.reduce((total, line) => total + Buffer.byteLength(line) + 1, 0);
  let first = 0;
  while (bytes > maxBytes && first < ordered.length) bytes -= Buffer.byteLength(ordered[first++] as string) + 1;
  // Chat text shrinks to a third or less: FerretDB decodes that much less per search.
  return new Binary(await compress(ordered.slice(first).join('\n')));
}

export function createSearchIndex(options: SearchIndexOptions): SearchIndex {
  const index = options.db.collection<SearchIndexDocument>(COLLECTIONS.searchIndex);
  const changes = options.db.collection<SearchLogDocument>(COLLECTIONS.searchLog);
  const messages = options.db.collection<MessageDocument>(COLLECTIONS.messages);
  const locks = options.db.collection<LockDocument>(COLLECTIONS.locks);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  /** The index of a user who has none yet (data from before search, or a dropped index): one scan. */
  async function linesFromMessages(userId: ObjectId): Promise<Lines> {
    const lines: Lines = new Map();
    const cursor = messages.find(
      { userId, role: { $in: ['user', 'assistant'] }, status: { $in: ['complete', 'incomplete'] } },
      { projection: { conversationId: 1, role: 1, content: 1 } },
    );
    for await (const message of cursor) {
      if (!message.content) continue;
      const id = message._id.toHexString();
      lines.set(id, lineOf(id, message.conversationId.toHexString(), message.role as 'user', message.content));
    }
    return lines;
  }

  async function current(userId: ObjectId): Promise<{ lines: Lines; entries: SearchLogDocument[]; stored: boolean }> {
    const [stored, entries] = await Promise.all([
      index.findOne({ _id: userId }),
      changes.find({ userId }).sort({ _id: 1 }).toArray(),
    ]);
    // A document of another shape (an older layout) is rebuilt like a missing one.
    const usable = stored?.lines instanceof Binary ? stored : null;
    const lines = usable ? await parse(usable.lines) : await linesFromMessages(userId);
    return { lines: fold(lines, entries), entries, stored: usable !== null };
  }

  /** Folds the user's log into their document, unless another instance is doing so right now. */
  async function compact(userId: ObjectId): Promise<void> {
    const lock = `search-index:${userId.toHexString()}`;
    const holder = randomUUID();
    try {
      await locks.insertOne({ _id: lock, holder, expiresAt: new Date(options.now().getTime() + LEASE_MS) });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // A holder that died leaves its lease behind; the next write or search tries again.
      await locks.deleteOne({ _id: lock, expiresAt: { $lte: options.now() } });
      return;
    }
    try {
      const { lines, entries } = await current(userId);
      await index.replaceOne(
        { _id: userId },
        { lines: await serialise(lines, maxBytes), updatedAt: options.now() },
        { upsert: true },
      );
      // Only what was folded: an entry written meanwhile stays for the next fold.
      if (entries.length) await changes.deleteMany({ _id: { $in: entries.map((entry) => entry._id) } });
    } finally {
      await locks.deleteOne({ _id: lock, holder });
    }
  }

  /**
   * Users with a fold on this instance: `due` while it waits for the writes of the next moment,
   * `folding` while it runs, `again` when a write came during it and asks for one more.
   */
  const folds = new Map<string, 'due' | 'folding' | 'again'>();

  /**
   * Folds the user's log a moment later (FOLD_DELAY_MS), one fold per user at a time here. A
   * fold rewrites the user's whole document, so the writes of that moment (a message and its
   * reply, a burst) share one; a search reads the log too, so nothing is found later for it.
   */
  function compactSoon(userId: ObjectId): void {
    const key = userId.toHexString();
    const state = folds.get(key);
    if (state === 'folding') folds.set(key, 'again');
    if (state) return;
    const run = async () => {
      do {
        // Before run's first await: a write right after this one finds the fold due.
        folds.set(key, 'due');
        await sleep(FOLD_DELAY_MS);
        folds.set(key, 'folding');
        await compact(userId).catch((error: unknown) =>
          options.log.warn('folding the search log failed', { err: error }),
        );
      } while (folds.get(key) === 'again');
      folds.delete(key);
    };
    void options.lifecycle.track(run());
  }

  async function append(entry: SearchLogDocument): Promise<void> {
    await changes.insertOne(entry);
    compactSoon(entry.userId);
  }

  const putEntry = (message: Parameters<SearchIndex['put']>[0]): SearchLogDocument => ({
    _id: new ObjectId(),
    op: 'put',
    userId: message.userId,
    conversationId: message.conversationId,
    messageId: message._id,
    role: message.role === 'user' ? 'user' : 'assistant',
    text: message.content,
  });
  const put: SearchIndex['put'] = (message) => append(putEntry(message));

  return {
    put,
    async putMany(userId, messages) {
      if (!messages.length) return;
      await changes.insertMany(messages.map((message) => putEntry({ ...message, userId })));
      compactSoon(userId);
    },
    dropMessages: (userId, messageIds) => append({ _id: new ObjectId(), op: 'drop-messages', userId, messageIds }),
    dropConversation: (userId, conversationId) =>
      append({ _id: new ObjectId(), op: 'drop-conversation', userId, conversationId }),

    async find(userId, pattern) {
      const { lines, entries, stored } = await current(userId);
      if (entries.length || !stored) compactSoon(userId);
      const found = new Map<string, SearchMatch>();
      // Newest first, so the first match of a conversation is its newest.
      for (const id of [...lines.keys()].sort().reverse()) {
        const line = lines.get(id) as string;
        const conversation = line.slice(ID_CHARS, 2 * ID_CHARS);
        if (found.has(conversation)) continue;
        const text = line.slice(TEXT_AT);
        if (!pattern.test(text)) continue;
        found.set(conversation, {
          messageId: id,
          role: line[2 * ID_CHARS] === 'u' ? 'user' : 'assistant',
          snippet: snippetAround(text, pattern),
        });
      }
      return found;
    },
  };
}
