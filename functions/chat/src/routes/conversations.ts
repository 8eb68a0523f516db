import { createRoute, z } from '@hono/zod-openapi';
import { cursorParam, encodeCursor, type FunctionApp, jsonBody, jsonResponse, problem } from '@zerochat/runtime';
import {
  authProblems,
  boundedText,
  Conversation,
  conversationJson,
  IdParam,
  objectIdString,
  secured,
  Title,
  toObjectId,
  userIdOf,
} from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import { DEFAULT_TITLE } from '../chat-store.ts';
import type { ChatSettings } from '../config.ts';
import { ConversationView, conversationView } from '../conversation-view.ts';
import { conversationNotFound } from '../problems.ts';
import { settleIfOrphaned } from '../reply/orphaned-reply.ts';
import { literalPattern } from '../search/search-text.ts';

const ModelName = z.string().min(1).max(200).openapi({ example: 'llama3.2:1b' });
/** A page's last position: pinned (1 or 0), updatedAt in ms, id. */
const Position = z.strictObject({
  p: z.union([z.literal(0), z.literal(1)]).default(0),
  u: z.number().int(),
  i: objectIdString,
});

const SearchMatch = z
  .object({
    messageId: z.string(),
    role: z.enum(['user', 'assistant']),
    snippet: z.string().openapi({ description: 'The message around the first match, on one line.' }),
  })
  .openapi('SearchMatch');

const ListedConversation = Conversation.extend({
  match: SearchMatch.nullable().optional().openapi({
    description:
      'With `q`: the newest message that holds the query, or null when only the title does. Absent without `q`.',
  }),
}).openapi('ListedConversation');

const ConversationPage = z
  .object({
    items: z.array(ListedConversation),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .openapi('ConversationPage');

const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam(Position).optional(),
  q: z.string().trim().min(1, 'must not be blank').max(200).optional().openapi({
    description:
      'Search: conversations whose title or any message holds this text, matched literally (no patterns) and without regard to case.',
  }),
  archived: z
    .enum(['false', 'true', 'all'])
    .default('false')
    .openapi({ description: '`false`: not archived (the default); `true`: the archive only; `all`: both.' }),
  pinned: booleanParam.optional().openapi({ description: 'Only pinned (`true`) or only unpinned (`false`) ones.' }),
});

const systemPrompt = (settings: ChatSettings) => boundedText(settings.CHAT_MAX_MESSAGE_BYTES);

const ARCHIVED_FILTER = { false: 'exclude', true: 'only', all: 'include' } as const;

const createConversation = (settings: ChatSettings) =>
  createRoute({
    method: 'post',
    path: '/chat/conversations',
    tags: ['conversations'],
    summary: 'Start a conversation',
    ...secured,
    request: {
      body: jsonBody(
        z.strictObject({
          title: Title.optional().openapi({ description: `Default: "${DEFAULT_TITLE}", then the first message.` }),
          model: ModelName.optional().openapi({
            description: 'Default: yours (GET /chat/settings), else the configured default model.',
          }),
          systemPrompt: systemPrompt(settings).optional().openapi({
            description: 'Default: yours (GET /chat/settings); "" for none.',
          }),
        }),
      ),
    },
    responses: {
      201: jsonResponse(Conversation, 'Created'),
      ...authProblems,
      404: problem('The model is not available (model_not_found)'),
      503: problem('Ollama cannot be reached to check the model (upstream_unavailable)'),
    },
  });

const listConversations = createRoute({
  method: 'get',
  path: '/chat/conversations',
  tags: ['conversations'],
  summary: 'Your conversations, pinned ones first, then the most recently active; or those that match a search',
  ...secured,
  request: { query: ListQuery },
  responses: { 200: jsonResponse(ConversationPage, 'One page'), ...authProblems },
});

const getConversation = createRoute({
  method: 'get',
  path: '/chat/conversations/{id}',
  tags: ['conversations'],
  summary: 'One conversation with its current branch of messages, oldest first, and their siblings',
  ...secured,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(ConversationView, 'The conversation'),
    ...authProblems,
    404: problem('No such conversation of yours (not_found)'),
  },
});

const changeConversation = (settings: ChatSettings) =>
  createRoute({
    method: 'patch',
    path: '/chat/conversations/{id}',
    tags: ['conversations'],
    summary: 'Rename a conversation, change its system prompt, switch its model, pin or archive it',
    ...secured,
    request: {
      params: IdParam,
      body: jsonBody(
        z
          .strictObject({
            title: Title.optional(),
            systemPrompt: systemPrompt(settings)
              .nullable()
              .optional()
              .openapi({ description: 'null or "" removes it.' }),
            model: ModelName.optional(),
            pinned: z.boolean().optional(),
            archived: z.boolean().optional(),
          })
          .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change'),
      ),
    },
    responses: {
      200: jsonResponse(Conversation, 'The changed conversation'),
      ...authProblems,
      404: problem('No such conversation of yours (not_found), or the model is not available (model_not_found)'),
      503: problem('Ollama cannot be reached to check the model (upstream_unavailable)'),
    },
  });

const deleteConversation = createRoute({
  method: 'delete',
  path: '/chat/conversations/{id}',
  tags: ['conversations'],
  summary: 'Delete a conversation and its messages',
  ...secured,
  request: { params: IdParam },
  responses: {
    204: { description: 'Deleted' },
    ...authProblems,
    404: problem('No such conversation of yours (not_found)'),
  },
});

export function addConversationRoutes(app: FunctionApp, chat: ChatContext): void {
  app.openapi(createConversation(chat.settings), async (c) => {
    const userId = userIdOf(c.get('principal'));
    const body = c.req.valid('json');
    const log = c.get('log');
    const defaults = await chat.userSettings.get(userId);
    const model =
      body.model !== undefined || defaults.model === null
        ? await chat.catalog.resolve(body.model, log)
        : await chat.catalog.resolve(defaults.model, log).catch((error: unknown) => {
            // The user's default model was removed since they chose it: the server's default stands in.
            if ((error as { code?: unknown }).code !== 'model_not_found') throw error;
            log.info("the user's default model is gone; using the default", { model: defaults.model });
            return chat.catalog.defaultModel;
          });
    const conversation = await chat.store.createConversation({
      userId,
      title: body.title ?? DEFAULT_TITLE,
      model,
      systemPrompt: body.systemPrompt === undefined ? defaults.systemPrompt : body.systemPrompt || null,
    });
    return c.json(conversationJson(conversation), 201, {
      location: `/chat/conversations/${conversation._id.toHexString()}`,
    });
  });

  app.openapi(listConversations, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const { limit, cursor, q, archived, pinned } = c.req.valid('query');
    const after = cursor
      ? { pinned: cursor.p === 1, updatedAt: new Date(cursor.u), id: toObjectId(cursor.i) }
      : undefined;
    const matches = q === undefined ? undefined : await chat.search.find(userId, literalPattern(q));
    const { items, more } = await chat.list.page(
      userId,
      limit,
      {
        archived: ARCHIVED_FILTER[archived],
        ...(pinned === undefined ? {} : { pinned }),
        ...(q === undefined ? {} : { search: { query: q, ids: [...(matches?.keys() ?? [])].map(toObjectId) } }),
      },
      after,
    );
    const last = items.at(-1);
    const nextCursor =
      more && last
        ? encodeCursor({ p: last.pinned ? 1 : 0, u: last.updatedAt.getTime(), i: last._id.toHexString() })
        : null;
    const listed = items.map((item) => ({
      ...conversationJson(item),
      ...(matches ? { match: matches.get(item._id.toHexString()) ?? null } : {}),
    }));
    return c.json({ items: listed, nextCursor }, 200);
  });

  app.openapi(getConversation, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const id = toObjectId(c.req.valid('param').id);
    const [conversation, stored] = await Promise.all([
      chat.store.findConversation(userId, id),
      chat.store.conversationMessages(userId, id),
    ]);
    if (!conversation) throw conversationNotFound();
    // A reply left pending by an instance that died is stored as ended when read.
    const messages = await Promise.all(
      stored.map(async (message) =>
        message.status === 'pending' ? (await settleIfOrphaned(chat, message, false, c.get('log'))).reply : message,
      ),
    );
    return c.json(conversationView(conversation, messages), 200);
  });

  app.openapi(changeConversation(chat.settings), async (c) => {
    const userId = userIdOf(c.get('principal'));
    const id = toObjectId(c.req.valid('param').id);
    const body = c.req.valid('json');
    // Ownership first when the model must be checked, so a stranger's id never costs a
    // call to Ollama; the update itself is by the user too.
    if (body.model !== undefined && !(await chat.store.findConversation(userId, id))) throw conversationNotFound();
    const changes = {
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.systemPrompt === undefined ? {} : { systemPrompt: body.systemPrompt || null }),
      ...(body.model === undefined ? {} : { model: await chat.catalog.resolve(body.model, c.get('log')) }),
    };
    const flags = {
      ...(body.pinned === undefined ? {} : { pinned: body.pinned }),
      ...(body.archived === undefined ? {} : { archived: body.archived }),
    };
    // Pinning and archiving are not activity: they leave updatedAt, and so the list's order, alone.
    let updated = Object.keys(flags).length ? await chat.list.setFlags(userId, id, flags) : null;
    if (Object.keys(changes).length) updated = await chat.store.updateConversation(userId, id, changes);
    if (!updated) throw conversationNotFound();
    return c.json(conversationJson(updated), 200);
  });

  app.openapi(deleteConversation, async (c) => {
    const userId = userIdOf(c.get('principal'));
    if (!(await chat.store.deleteConversation(userId, toObjectId(c.req.valid('param').id)))) {
      throw conversationNotFound();
    }
    return c.body(null, 204);
  });
}
