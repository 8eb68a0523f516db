import { z } from '@hono/zod-openapi';
import type { ConversationDocument, MessageDocument } from '@zerochat/data';
import { conversationJson } from '../api-schemas.ts';
import { messageTree } from '../message-tree.ts';
import { FINISH_REASONS } from '../reply/stream-reply.ts';

// The file an export writes and an import reads back: version 1 of "zerochat.conversations".
// A change that an importer of version 1 could misread gets a new version; an importer refuses
// versions it does not know instead of guessing.

export const TRANSFER_FORMAT = 'zerochat.conversations';
export const TRANSFER_VERSION = 1;

/** Ids in a file only link its messages to each other; an import gives everything new ids. */
const FileId = z.string().min(1).max(100);
/** Far below MongoDB's 16 MiB per document; a reply longer than this is not a chat reply. */
const MAX_CONTENT_CHARS = 4 * 1024 * 1024;

const Usage = z.strictObject({
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  durationMs: z.number().int().min(0),
});

const FileMessage = z
  .strictObject({
    id: FileId,
    parentId: FileId.nullable().openapi({ description: 'The message this one follows; null for a first message.' }),
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string().max(MAX_CONTENT_CHARS),
    status: z.enum(['complete', 'incomplete', 'error']).openapi({
      description: 'A reply still being generated when the file was written is `incomplete`: its text so far.',
    }),
    finishReason: z.enum(FINISH_REASONS).nullable(),
    model: z.string().max(200).nullable(),
    usage: Usage.nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('TransferMessage');

const FileConversation = z
  .strictObject({
    id: FileId,
    title: z.string().trim().min(1).max(200),
    model: z.string().min(1).max(200),
    systemPrompt: z.string().max(MAX_CONTENT_CHARS).nullable(),
    pinned: z.boolean(),
    archived: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    currentMessageId: FileId.nullable().openapi({
      description: 'The message the current branch goes through; null: the newest.',
    }),
    messages: z.array(FileMessage).openapi({ description: 'Every message of every branch, oldest first.' }),
  })
  .openapi('TransferConversation');

export const TransferFile = z
  .strictObject({
    format: z.literal(TRANSFER_FORMAT),
    version: z
      .literal(TRANSFER_VERSION)
      .openapi({ description: 'Other versions are refused (import_version_unsupported).' }),
    exportedAt: z.iso.datetime(),
    conversations: z.array(FileConversation),
  })
  .openapi('ConversationsFile', {
    description:
      'Conversations with every branch of their messages, as an export writes them and an import reads them.',
  });

export type TransferFile = z.infer<typeof TransferFile>;
export type TransferConversation = z.infer<typeof FileConversation>;
export type TransferMessage = z.infer<typeof FileMessage>;

/** The file's opening, up to its list of conversations; conversations follow one by one. */
export function fileHead(exportedAt: Date): Omit<TransferFile, 'conversations'> {
  return { format: TRANSFER_FORMAT, version: TRANSFER_VERSION, exportedAt: exportedAt.toISOString() };
}

/**
 * A stored conversation with all its messages (`stored` oldest first) as the file holds it.
 * Messages the conversation no longer shows (below a message that is gone) are left out, and
 * every parent is written out, also of messages from before branches.
 */
export function fileConversation(
  conversation: ConversationDocument,
  stored: readonly MessageDocument[],
): TransferConversation {
  const tree = messageTree(stored);
  const messages = stored.filter((message) => tree.get(message._id) !== undefined);
  const current = conversation.currentMessageId ? tree.get(conversation.currentMessageId) : undefined;
  return {
    ...conversationJson(conversation),
    currentMessageId: current?._id.toHexString() ?? null,
    messages: messages.map((message) => ({
      id: message._id.toHexString(),
      parentId: tree.parentId(message._id)?.toHexString() ?? null,
      role: message.role,
      content: message.content,
      // A reply being generated right now is written as what it is so far.
      status: message.status === 'pending' ? 'incomplete' : message.status,
      finishReason: message.finishReason ?? (message.status === 'pending' ? 'cancelled' : null),
      model: message.model,
      usage: message.usage,
      createdAt: message.createdAt.toISOString(),
    })),
  };
}
