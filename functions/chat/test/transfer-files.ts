// Files of conversations for the export and import tests: what an export writes, made by hand.
import { COLLECTIONS } from '@zerochat/data';
import type { ObjectId } from 'mongodb';
import type { TestDatabase } from '../../../test/support/test-services.ts';
import type { TransferFile } from '../src/transfer/transfer-format.ts';

export type FileConversation = TransferFile['conversations'][number];
export type FileMessage = FileConversation['messages'][number];

const at = (minute: number) => new Date(Date.UTC(2029, 5, 1, 12, minute)).toISOString();

export function fileMessage(id: string, parentId: string | null, content: string, minute: number): FileMessage {
  const role = id.startsWith('q') ? 'user' : 'assistant';
  return {
    id,
    parentId,
    role,
    content,
    status: 'complete',
    finishReason: role === 'assistant' ? 'stop' : null,
    model: role === 'assistant' ? 'some-model:latest' : null,
    usage: role === 'assistant' ? { promptTokens: 10, completionTokens: 5, durationMs: 300 } : null,
    createdAt: at(minute),
  };
}

/**
 * A conversation with two versions of its reply ("a1", current, and "a2") and a follow-up on
 * the first: q1 → a1 → q2 → a3 (incomplete), q1 → a2.
 */
export function branchedConversation(overrides: Partial<FileConversation> = {}): FileConversation {
  return {
    id: 'c1',
    title: 'Imported trip plans',
    model: 'some-model:latest',
    systemPrompt: 'You answer briefly.',
    pinned: true,
    archived: false,
    createdAt: at(0),
    updatedAt: at(9),
    currentMessageId: 'a3',
    messages: [
      fileMessage('q1', null, 'Where should we go in June?', 1),
      fileMessage('a1', 'q1', 'Try the fjords of Norway.', 2),
      fileMessage('a2', 'q1', 'Lisbon is lovely in June.', 3),
      fileMessage('q2', 'a1', 'How do we get there?', 4),
      {
        ...fileMessage('a3', 'q2', 'Fly to Bergen, then take the', 5),
        status: 'incomplete',
        finishReason: 'cancelled',
      },
    ],
    ...overrides,
  };
}

export function transferFile(conversations: FileConversation[], overrides: Record<string, unknown> = {}) {
  return {
    format: 'zerochat.conversations',
    version: 1,
    exportedAt: at(30),
    conversations,
    ...overrides,
  };
}

/**
 * Every document an import for `userId` could write, counted for that user alone (other tests
 * may write beside it): its conversations and messages, its search entries, and its imports'
 * records with the conversations they staged. A staged conversation belongs to its record's id
 * and is deleted before the record, so none outlives the record that finds it.
 */
export async function importTraces(database: TestDatabase, userId: ObjectId) {
  const collection = (name: string) => database.db.collection(name);
  const records = await collection(COLLECTIONS.imports).find({ userId }).toArray();
  const staged = await collection(COLLECTIONS.conversations).countDocuments({
    userId: { $in: records.map((record) => record._id) },
  });
  return {
    conversations: await collection(COLLECTIONS.conversations).countDocuments({ userId }),
    messages: await collection(COLLECTIONS.messages).countDocuments({ userId }),
    searchEntries:
      (await collection(COLLECTIONS.searchIndex).countDocuments({ _id: userId })) +
      (await collection(COLLECTIONS.searchLog).countDocuments({ userId })),
    imports: records.length,
    staged,
  };
}

/** What importTraces finds of a user who has nothing. */
export const NO_TRACES = { conversations: 0, messages: 0, searchEntries: 0, imports: 0, staged: 0 };
