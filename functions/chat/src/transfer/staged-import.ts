import { COLLECTIONS, type ConversationDocument, type ImportDocument, type MessageDocument } from '@zerochat/data';
import { AppError, isDatabaseUnreachable, type Lifecycle, type Logger } from '@zerochat/runtime';
import { type Db, ObjectId } from 'mongodb';
import type { SearchIndex } from '../search/search-index.ts';
import { storeWhenReachable } from '../store-when-reachable.ts';
import type { TransferConversation, TransferFile } from './transfer-format.ts';

/** Documents per insert: small enough for any document size, few enough round trips. */
const BATCH = 500;
/** An import still unfinished this long after it began is taken for dead (see sweep). */
export const IMPORT_LEASE_MS = 10 * 60_000;

export interface ImportedConversation {
  id: ObjectId;
  title: string;
  messages: number;
}

export interface StagedImportDeps {
  db: Db;
  search: SearchIndex;
  lifecycle: Pick<Lifecycle, 'track'>;
  log: Logger;
  now: () => Date;
}

/**
 * Imports conversations without transactions (FerretDB has none) and without ever showing
 * part of an import. The messages are written first, as the user's: no read reaches a message
 * but through its conversation. The conversations are written staged: owned by the import's
 * id, which is no user's, so no read (list, view, search, export, delete) can find them. Once
 * all is written, the import's record turns `committing` (one single-document write), and the
 * conversations are handed to the user, one update each. A failure before that point deletes
 * what was written; MongoDB going away after it leaves the hand-over to be finished by this
 * process once MongoDB is back; a process that dies leaves a record that the next import's
 * sweep resolves: a staging one is deleted with its documents, a committing one is finished.
 * (FerretDB updates a document at a time, so only the conversations are moved, not the
 * messages: thousands of single updates would take minutes.)
 */
export function createStagedImport(deps: StagedImportDeps) {
  const conversations = deps.db.collection<ConversationDocument>(COLLECTIONS.conversations);
  const messages = deps.db.collection<MessageDocument>(COLLECTIONS.messages);
  const imports = deps.db.collection<ImportDocument>(COLLECTIONS.imports);

  /** Deletes what a staging import wrote, then its record. */
  async function rollBack(record: Pick<ImportDocument, '_id' | 'userId' | 'conversationIds'>): Promise<void> {
    await messages.deleteMany({ conversationId: { $in: record.conversationIds }, userId: record.userId });
    await conversations.deleteMany({ userId: record._id });
    await imports.deleteOne({ _id: record._id });
  }

  /** Hands a committing import's conversations to its user; safe to repeat. */
  async function finish(record: ImportDocument): Promise<void> {
    await conversations.updateMany({ userId: record._id }, { $set: { userId: record.userId } });
    await indexForSearch(record.userId, record.conversationIds);
    await imports.deleteOne({ _id: record._id });
  }

  async function indexForSearch(userId: ObjectId, conversationIds: ObjectId[]): Promise<void> {
    const cursor = messages.find(
      {
        conversationId: { $in: conversationIds },
        userId,
        role: { $in: ['user', 'assistant'] },
        status: { $in: ['complete', 'incomplete'] },
        content: { $ne: '' },
      },
      { projection: { conversationId: 1, role: 1, content: 1 } },
    );
    let batch: MessageDocument[] = [];
    for await (const message of cursor) {
      batch.push(message);
      if (batch.length === BATCH) {
        await deps.search.putMany(userId, batch);
        batch = [];
      }
    }
    await deps.search.putMany(userId, batch);
  }

  async function insertInBatches<T extends { _id: ObjectId }>(
    insert: (documents: T[]) => Promise<unknown>,
    documents: T[],
  ): Promise<void> {
    for (let start = 0; start < documents.length; start += BATCH) await insert(documents.slice(start, start + BATCH));
  }

  return {
    /**
     * Resolves the imports whose lease ran out: their process died or lost its database.
     * Run before each import, so leftovers live at most until the next import of anyone.
     */
    async sweep(): Promise<number> {
      const stale = await imports.find({ expiresAt: { $lte: deps.now() } }).toArray();
      for (const record of stale) {
        deps.log.warn('resolving an import that did not finish', { importId: record._id, state: record.state });
        if (record.state === 'committing') await finish(record);
        else await rollBack(record);
      }
      return stale.length;
    },

    /** Imports a checked file's conversations for `userId` under new ids; all or nothing. */
    async run(userId: ObjectId, file: TransferFile): Promise<ImportedConversation[]> {
      const stagingId = new ObjectId();
      const staged = file.conversations.map((conversation) => stagedDocuments(conversation, stagingId, userId));
      const at = deps.now();
      const record: ImportDocument = {
        _id: stagingId,
        userId,
        state: 'staging',
        conversationIds: staged.map(({ conversation }) => conversation._id),
        createdAt: at,
        expiresAt: new Date(at.getTime() + IMPORT_LEASE_MS),
      };
      await imports.insertOne(record);
      let committed: ImportDocument | null = null;
      try {
        await insertInBatches(
          (documents) => conversations.insertMany(documents, { ordered: true }),
          staged.map(({ conversation }) => conversation),
        );
        await insertInBatches(
          (documents) => messages.insertMany(documents, { ordered: true }),
          staged.flatMap(({ messages: documents }) => documents),
        );
        // The commit point. A sweep that took this import for dead has deleted its record: then it stays undone.
        committed = await imports.findOneAndUpdate(
          { _id: stagingId, state: 'staging' },
          { $set: { state: 'committing' } },
          { returnDocument: 'after' },
        );
        if (!committed) throw importExpired();
      } catch (error) {
        await rollBack(record).catch((cleanup: unknown) =>
          deps.log.error('cleaning up a failed import failed; the next import cleans it up', {
            importId: stagingId,
            err: cleanup,
          }),
        );
        throw error;
      }
      try {
        await finish(committed);
      } catch (error) {
        // Past the commit point there is nothing to undo: the import stands, part of it maybe
        // shown already. When MongoDB went away, this process finishes it once MongoDB is back,
        // within the import's lease; else, or when the process dies first, the sweep after the
        // lease does.
        deps.log.error('an import failed after its commit point', { importId: stagingId, err: error });
        if (isDatabaseUnreachable(error)) {
          const record = committed;
          void deps.lifecycle.track(
            storeWhenReachable(() => finish(record), { what: 'an import', log: deps.log, until: record.expiresAt }),
          );
        }
        throw importUnfinished(error);
      }
      return staged.map(({ conversation, messages: documents }) => ({
        id: conversation._id,
        title: conversation.title,
        messages: documents.length,
      }));
    },
  };
}

export type StagedImport = ReturnType<typeof createStagedImport>;

/**
 * A conversation of the file as documents under new ids: the conversation owned by
 * `stagingId`, its messages by `userId`. Messages get their ids oldest first (ties in the
 * file's order), so the stored order is the file's.
 */
function stagedDocuments(
  conversation: TransferConversation,
  stagingId: ObjectId,
  userId: ObjectId,
): { conversation: ConversationDocument; messages: MessageDocument[] } {
  const conversationId = new ObjectId();
  const ordered = conversation.messages
    .map((message, position) => ({ message, position, createdAt: new Date(message.createdAt) }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.position - b.position);
  const newIds = new Map(ordered.map(({ message }) => [message.id, new ObjectId()]));
  const newId = (id: string) => newIds.get(id) as ObjectId;
  return {
    conversation: {
      _id: conversationId,
      userId: stagingId,
      title: conversation.title,
      model: conversation.model,
      systemPrompt: conversation.systemPrompt,
      ...(conversation.pinned ? { pinned: true } : {}),
      ...(conversation.archived ? { archived: true } : {}),
      currentMessageId: conversation.currentMessageId === null ? null : newId(conversation.currentMessageId),
      createdAt: new Date(conversation.createdAt),
      updatedAt: new Date(conversation.updatedAt),
    },
    messages: ordered.map(({ message, createdAt }) => ({
      _id: newId(message.id),
      conversationId,
      userId,
      parentId: message.parentId === null ? null : newId(message.parentId),
      role: message.role,
      content: message.content,
      status: message.status,
      ...(message.finishReason ? { finishReason: message.finishReason } : {}),
      model: message.model,
      usage: message.usage,
      createdAt,
    })),
  };
}

function importUnfinished(cause: unknown): AppError {
  return new AppError({
    code: 'import_unfinished',
    status: 503,
    title: 'Import not finished',
    detail: `The import is stored, but the database failed while its conversations were being shown: some show only later, once the database is back (at the latest, an import begun ${IMPORT_LEASE_MS / 60_000} minutes after this one finishes it). Do not import the file again.`,
    cause,
  });
}

function importExpired(): AppError {
  return new AppError({
    code: 'import_expired',
    status: 503,
    title: 'Import took too long',
    detail: 'The import took longer than its lease and was undone; nothing was imported. Try again.',
    headers: { 'retry-after': '5' },
  });
}
