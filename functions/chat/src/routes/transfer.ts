import type { ServerResponse } from 'node:http';
import { createRoute, z } from '@hono/zod-openapi';
import {
  AppError,
  type FunctionApp,
  jsonBody,
  jsonResponse,
  type Logger,
  problem,
  toFieldErrors,
  validationFailed,
} from '@zerochat/runtime';
import type { Context } from 'hono';
import type { Db } from 'mongodb';
import type { $ZodIssue } from 'zod/v4/core';
import { authProblems, IdParam, secured, toObjectId, userIdOf } from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import type { ChatSettings } from '../config.ts';
import { conversationNotFound } from '../problems.ts';
import { checkImport } from '../transfer/check-import.ts';
import { exportDownload, userConversations } from '../transfer/export-response.ts';
import { createStagedImport } from '../transfer/staged-import.ts';
import { TRANSFER_FORMAT, TRANSFER_VERSION, TransferFile } from '../transfer/transfer-format.ts';

/** Where a file of conversations is sent to be imported; its body limit is CHAT_IMPORT_MAX_BYTES. */
export const IMPORT_PATH = '/chat/import';

const ExportQuery = z.strictObject({
  format: z.enum(['json', 'markdown']).default('json').openapi({
    description:
      '`json`: every branch, to import back (POST /chat/import); `markdown`: the current branch of each, to read.',
  }),
});

const exported = {
  200: {
    description: 'A download (Content-Disposition: attachment), written as it is read',
    content: {
      'application/json': { schema: TransferFile },
      'text/markdown': { schema: z.string() },
    },
  },
};

/** An export's refusals: the usual ones, and a database away before the download begins. */
const exportProblems = {
  ...authProblems,
  503: problem(
    'The database cannot be reached (database_unavailable). A failure once the download has begun closes its connection before the end instead.',
  ),
};

const ImportResult = z
  .object({
    conversations: z.array(
      z.object({
        id: z.string().openapi({ description: 'Its new id: ids in the file are never reused.' }),
        title: z.string(),
        messages: z.number().int(),
      }),
    ),
  })
  .openapi('ImportResult');

function versionUnsupported(version: unknown): AppError {
  return new AppError({
    code: 'import_version_unsupported',
    status: 400,
    title: 'Unsupported file version',
    detail: `This is not a "${TRANSFER_FORMAT}" file of version ${TRANSFER_VERSION} (it says ${JSON.stringify(version) ?? 'nothing'}); only that version can be imported.`,
  });
}

const exportConversation = createRoute({
  method: 'get',
  path: '/chat/conversations/{id}/export',
  tags: ['export and import'],
  summary: 'Download one conversation: as JSON with every branch, or as Markdown',
  ...secured,
  request: { params: IdParam, query: ExportQuery },
  responses: { ...exported, ...exportProblems, 404: problem('No such conversation of yours (not_found)') },
});

const exportAll = createRoute({
  method: 'get',
  path: '/chat/export',
  tags: ['export and import'],
  summary: 'Download all your conversations, archived ones too: as JSON with every branch, or as Markdown',
  ...secured,
  request: { query: ExportQuery },
  responses: { ...exported, ...exportProblems },
});

const importConversations = (settings: ChatSettings) =>
  createRoute({
    method: 'post',
    path: IMPORT_PATH,
    tags: ['export and import'],
    summary: 'Import conversations from a JSON export, under new ids; all of them or none',
    description: `The body is a file written by GET /chat/export or …/export (format=json), at most CHAT_IMPORT_MAX_BYTES (${settings.CHAT_IMPORT_MAX_BYTES}) bytes and CHAT_IMPORT_MAX_MESSAGES (${settings.CHAT_IMPORT_MAX_MESSAGES}) messages. Nothing of it shows until all of it is stored.`,
    ...secured,
    request: { body: jsonBody(TransferFile) },
    responses: {
      201: jsonResponse(ImportResult, 'Imported'),
      ...authProblems,
      400: problem(
        'Invalid input (validation_failed, malformed_json: also messages whose parents are missing or form a cycle, or too many), or a version of the file this server does not know (import_version_unsupported)',
      ),
      413: problem('The file is larger than CHAT_IMPORT_MAX_BYTES (payload_too_large)'),
      415: problem('The body is not JSON (unsupported_media_type)'),
      503: problem(
        'The database failed (database_unavailable) or the import took too long (import_expired): nothing was imported. Or the database failed past the commit point (import_unfinished): the import stands and a later one finishes it; do not send it again.',
      ),
    },
  });

/** What the validation hook of a route is given: the value, or why it is invalid. */
type ValidationResult = { target: string } & ({ success: true } | { success: false; error: { issues: $ZodIssue[] } });

/**
 * The import's validation hook: a file of another format or version is named as such, not as
 * a list of its differences; any other invalid file is refused as every route refuses input.
 */
function refuseImportFile(result: ValidationResult): undefined {
  if (result.success) return;
  if (result.target === 'json') {
    // The validator passes the input along, though its type does not say so.
    const body = (result as { data?: unknown }).data as { format?: unknown; version?: unknown } | null;
    const head = typeof body === 'object' && body !== null ? body : {};
    if (head.format !== TRANSFER_FORMAT || head.version !== TRANSFER_VERSION) throw versionUnsupported(head.version);
  }
  throw validationFailed(toFieldErrors(result.error.issues, result.target === 'json' ? 'body' : 'query'));
}

export function addTransferRoutes(app: FunctionApp, chat: ChatContext, deps: { db: Db; log: Logger }): void {
  const staged = createStagedImport({
    db: deps.db,
    search: chat.search,
    lifecycle: chat.lifecycle,
    log: deps.log,
    now: chat.now,
  });

  app.openapi(exportConversation, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const id = toObjectId(c.req.valid('param').id);
    const [conversation, messages] = await Promise.all([
      chat.store.findConversation(userId, id),
      chat.store.conversationMessages(userId, id),
    ]);
    if (!conversation) throw conversationNotFound();
    const download = await exportDownload(c.req.valid('query').format, [{ conversation, messages }], {
      now: chat.now(),
      name: conversation.title,
      log: c.get('log'),
      breakConnection: connectionBreaker(c),
    });
    // Through the context, so that the download carries the request's id like every answer.
    return c.body(download.body, 200, download.headers);
  });

  app.openapi(exportAll, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const download = await exportDownload(c.req.valid('query').format, userConversations(deps.db, userId), {
      now: chat.now(),
      name: 'conversations',
      log: c.get('log'),
      breakConnection: connectionBreaker(c),
    });
    return c.body(download.body, 200, download.headers);
  });

  app.openapi(
    importConversations(chat.settings),
    async (c) => {
      const userId = userIdOf(c.get('principal'));
      const file = c.req.valid('json');
      const errors = checkImport(file, chat.settings.CHAT_IMPORT_MAX_MESSAGES);
      if (errors.length) throw validationFailed(errors);
      await staged.sweep().catch((error: unknown) => c.get('log').warn('sweeping old imports failed', { err: error }));
      const imported = await staged.run(userId, file);
      c.get('log').info('conversations imported', { conversations: imported.length });
      return c.json(
        {
          conversations: imported.map((conversation) => ({
            id: conversation.id.toHexString(),
            title: conversation.title,
            messages: conversation.messages,
          })),
        },
        201,
      );
    },
    refuseImportFile,
  );
}

/** Destroys the Node response: @hono/node-server passes it as c.env.outgoing; app.request() passes none. */
function connectionBreaker(c: Context): (() => void) | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing && (() => void outgoing.destroy());
}
