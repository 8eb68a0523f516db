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
import { ConversationView, conversationView } from '../conversation-view.ts';
import { conversationNotFound } from '../problems.ts';

const ModelName = z.string().min(1).max(200).openapi({ example: 'llama3.2:1b' });
const Position = z.strictObject({ u: z.number().int(), i: objectIdString });

const ConversationPage = z
  .object({
    items: z.array(Conversation),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .openapi('ConversationPage');

export function addConversationRoutes(app: FunctionApp, chat: ChatContext): void {
  const SystemPrompt = boundedText(chat.settings.CHAT_MAX_MESSAGE_BYTES);

  app.openapi(
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
            model: ModelName.optional().openapi({ description: 'Default: the configured default model.' }),
            systemPrompt: SystemPrompt.optional(),
          }),
        ),
      },
      responses: {
        201: jsonResponse(Conversation, 'Created'),
        ...authProblems,
        404: problem('The model is not available (model_not_found)'),
        503: problem('Ollama cannot be reached to check the model (upstream_unavailable)'),
      },
    }),
    async (c) => {
      const userId = userIdOf(c.get('principal'));
      const body = c.req.valid('json');
      const model = await chat.catalog.resolve(body.model, c.get('log'));
      const conversation = await chat.store.createConversation({
        userId,
        title: body.title ?? DEFAULT_TITLE,
        model,
        systemPrompt: body.systemPrompt || null,
      });
      return c.json(conversationJson(conversation), 201, {
        location: `/chat/conversations/${conversation._id.toHexString()}`,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/chat/conversations',
      tags: ['conversations'],
      summary: 'Your conversations, most recently active first',
      ...secured,
      request: {
        query: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: cursorParam(Position).optional(),
        }),
      },
      responses: { 200: jsonResponse(ConversationPage, 'One page'), ...authProblems },
    }),
    async (c) => {
      const userId = userIdOf(c.get('principal'));
      const { limit, cursor } = c.req.valid('query');
      const after = cursor ? { updatedAt: new Date(cursor.u), id: toObjectId(cursor.i) } : undefined;
      const { items, more } = await chat.store.listConversations(userId, limit, after);
      const last = items.at(-1);
      const nextCursor = more && last ? encodeCursor({ u: last.updatedAt.getTime(), i: last._id.toHexString() }) : null;
      return c.json({ items: items.map(conversationJson), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
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
    }),
    async (c) => {
      const userId = userIdOf(c.get('principal'));
      const id = toObjectId(c.req.valid('param').id);
      const [conversation, messages] = await Promise.all([
        chat.store.findConversation(userId, id),
        chat.store.conversationMessages(userId, id),
      ]);
      if (!conversation) throw conversationNotFound();
      return c.json(conversationView(conversation, messages, chat), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/chat/conversations/{id}',
      tags: ['conversations'],
      summary: 'Rename a conversation, change its system prompt or switch its model',
      ...secured,
      request: {
        params: IdParam,
        body: jsonBody(
          z
            .strictObject({
              title: Title.optional(),
              systemPrompt: SystemPrompt.nullable().optional().openapi({ description: 'null or "" removes it.' }),
              model: ModelName.optional(),
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
    }),
    async (c) => {
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
      const updated = await chat.store.updateConversation(userId, id, changes);
      if (!updated) throw conversationNotFound();
      return c.json(conversationJson(updated), 200);
    },
  );

  app.openapi(
    createRoute({
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
    }),
    async (c) => {
      const userId = userIdOf(c.get('principal'));
      if (!(await chat.store.deleteConversation(userId, toObjectId(c.req.valid('param').id)))) {
        throw conversationNotFound();
      }
      return c.body(null, 204);
    },
  );
}
