import { COLLECTIONS, type ConversationDocument, type MessageDocument } from '@zerochat/data';
import type { Db, ObjectId } from 'mongodb';
import { markdownConversation, markdownHead } from './markdown-export.ts';
import { fileConversation, fileHead } from './transfer-format.ts';

/** Documents read from the database at a time while an export is written. */
const CURSOR_BATCH = 200;

/** A conversation with all its messages, oldest first. */
export interface ConversationWithMessages {
  conversation: ConversationDocument;
  messages: MessageDocument[];
}

/** What an export writes: one conversation (a list), or all of them as they are read. */
type Conversations = AsyncIterable<ConversationWithMessages> | Iterable<ConversationWithMessages>;

export interface ExportDeps {
  now: Date;
  /** What the file is named after: a conversation's title, or "conversations". */
  name: string;
}

/**
 * All of the user's conversations, archived ones too, in the order they were stored, each
 * with its messages. Two cursors read side by side, both in conversation id order: one pass
 * over the user's messages rather than a query per conversation (FerretDB scans a collection
 * for every query), and only one conversation's messages in memory at a time.
 */
export async function* userConversations(db: Db, userId: ObjectId): AsyncGenerator<ConversationWithMessages> {
  const conversations = db
    .collection<ConversationDocument>(COLLECTIONS.conversations)
    .find({ userId })
    .sort({ _id: 1 })
    .batchSize(CURSOR_BATCH);
  const messages = db
    .collection<MessageDocument>(COLLECTIONS.messages)
    .find({ userId })
    .sort({ conversationId: 1, createdAt: 1, _id: 1 })
    .batchSize(CURSOR_BATCH);
  try {
    let next = await messages.next();
    for await (const conversation of conversations) {
      const id = conversation._id.toHexString();
      const own: MessageDocument[] = [];
      // Messages of conversations that are not listed (deleted halfway) are passed over.
      while (next && next.conversationId.toHexString() <= id) {
        if (next.conversationId.toHexString() === id) own.push(next);
        next = await messages.next();
      }
      yield { conversation, messages: own };
    }
  } finally {
    await Promise.all([conversations.close(), messages.close()]);
  }
}

/**
 * The conversations as a download, written while they are read: one conversation's messages
 * in memory at a time however many there are, and a client that reads slowly slows the reads.
 * A failure halfway ends the download short (the JSON then does not parse, so it cannot be
 * imported half).
 */
export function exportResponse(format: 'json' | 'markdown', conversations: Conversations, deps: ExportDeps): Response {
  const chunks = format === 'json' ? jsonChunks(conversations, deps) : markdownChunks(conversations, deps);
  const extension = format === 'json' ? 'json' : 'md';
  return new Response(byteStream(chunks), {
    status: 200,
    headers: {
      'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8',
      'content-disposition': attachment(
        `zerochat-${slug(deps.name)}-${deps.now.toISOString().slice(0, 10)}.${extension}`,
      ),
      'cache-control': 'no-store',
    },
  });
}

async function* jsonChunks(conversations: Conversations, deps: ExportDeps) {
  const head = JSON.stringify(fileHead(deps.now));
  yield `${head.slice(0, -1)},"conversations":[`;
  let first = true;
  for await (const { conversation, messages } of conversations) {
    yield `${first ? '' : ','}\n${JSON.stringify(fileConversation(conversation, messages))}`;
    first = false;
  }
  yield '\n]}\n';
}

async function* markdownChunks(conversations: Conversations, deps: ExportDeps) {
  yield markdownHead(deps.now);
  for await (const { conversation, messages } of conversations) yield markdownConversation(conversation, messages);
}

/** Pulled: the next chunk is made only when the client has taken the one before. */
function byteStream(chunks: AsyncIterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return?.(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

const attachment = (fileName: string) => `attachment; filename="${fileName}"`;

/** Letters, digits and dashes only: safe in a header and in any file system. */
function slug(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60)
    .replace(/-+$/, '');
  return ascii || 'conversation';
}
