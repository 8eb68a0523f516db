import { COLLECTIONS, type ConversationDocument, type MessageDocument } from '@zerochat/data';
import type { Logger } from '@zerochat/runtime';
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
  /** The request's logger: a download that breaks is logged with the request's id. */
  log: Logger;
  /**
   * Breaks the client's connection: the Node response's `destroy` when served over a socket.
   * Without it, the body stream errors, which breaks the connection too, but @hono/node-server
   * then also prints the error's stack trace to stderr, outside the structured log.
   */
  breakConnection?: (() => void) | undefined;
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
 * The conversations as a download's body and headers, written while they are read: one
 * conversation's messages in memory at a time however many there are, and a client that
 * reads slowly slows the reads.
 * The first conversation is read before the answer starts, so a database that is away then
 * gets the usual 503 problem. A failure after that is logged and breaks the connection before
 * the end of the body (no last chunk): every HTTP client reports such a download as failed,
 * rather than keeping a file that ends early (a Markdown one would look whole).
 */
export async function exportDownload(
  format: 'json' | 'markdown',
  conversations: Conversations,
  deps: ExportDeps,
): Promise<{ body: ReadableStream<Uint8Array>; headers: Record<string, string> }> {
  const read = await readFirst(conversations);
  const chunks = format === 'json' ? jsonChunks(read.items, deps) : markdownChunks(read.items, deps);
  const extension = format === 'json' ? 'json' : 'md';
  return {
    body: byteStream(chunks, { log: deps.log, close: read.close, breakConnection: deps.breakConnection }),
    headers: {
      'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8',
      'content-disposition': attachment(
        `zerochat-${slug(deps.name)}-${deps.now.toISOString().slice(0, 10)}.${extension}`,
      ),
      'cache-control': 'no-store',
    },
  };
}

/**
 * The same items, the first of them read now (its failure is thrown here), and how to end the
 * reading (closing its cursors) when the download is cancelled before it reached them.
 */
async function readFirst<T>(source: AsyncIterable<T> | Iterable<T>) {
  const iterator =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  const first = await iterator.next();
  const close = async () => void (await iterator.return?.());
  async function* items() {
    try {
      for (let next = first; !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await close();
    }
  }
  return { items: items(), close };
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
function byteStream(
  chunks: AsyncIterator<string>,
  { log, close, breakConnection }: Pick<ExportDeps, 'log' | 'breakConnection'> & { close: () => Promise<void> },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let bytes = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<string>;
        try {
          next = await chunks.next();
        } catch (error) {
          // The status line went out long ago: all that is left to say so is the log and a
          // broken connection, before the body's last chunk.
          log.error('export failed part-way; the download is cut off', { err: error, bytesSent: bytes });
          if (!breakConnection) controller.error(error);
          else {
            breakConnection();
            controller.close();
          }
          return;
        }
        if (next.done) controller.close();
        else {
          const chunk = encoder.encode(next.value);
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
      async cancel() {
        await chunks.return?.(undefined);
        await close();
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
