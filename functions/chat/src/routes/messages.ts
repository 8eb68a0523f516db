import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonBody, problem } from '@zerochat/runtime';
import type { Context } from 'hono';
import {
  authProblems,
  boundedText,
  IdParam,
  MessageIdParam,
  objectIdString,
  secured,
  toObjectId,
  userIdOf,
} from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import type { ChatSettings } from '../config.ts';
import { ConversationView, conversationView } from '../conversation-view.ts';
import { type GenerationOptionsInput, generationOptions } from '../generation-options.ts';
import { messageTree } from '../message-tree.ts';
import { conversationNotFound, messageNotFound } from '../problems.ts';
import type { ReplyTarget } from '../reply/plan-reply.ts';
import { startReply } from '../reply/start-reply.ts';
import { ReplyBody, replyResponse, SSE_DESCRIPTION } from './reply-response.ts';

/** What every request for a reply may say: how to answer, and the model's options. */
function replyFields(settings: ChatSettings) {
  return {
    stream: z.boolean().default(true).openapi({ description: 'false: the whole reply as one JSON body.' }),
    cancelOnDisconnect: z.boolean().default(false).openapi({
      description:
        'true: closing the connection stops the reply (kept as `incomplete`). By default the reply runs on to its end, to be read later (GET …/events).',
    }),
    options: generationOptions(settings).optional(),
  };
}

function messageContent(settings: ChatSettings) {
  return boundedText(settings.CHAT_MAX_MESSAGE_BYTES)
    .refine((text) => text.trim().length > 0, 'must not be empty')
    .openapi({ description: `The message: not blank, at most ${settings.CHAT_MAX_MESSAGE_BYTES} bytes in UTF-8.` });
}

const replyAnswer = {
  200: {
    description: 'The reply: an event stream, or with `stream: false` one JSON body',
    content: {
      'text/event-stream': { schema: z.string().openapi({ description: SSE_DESCRIPTION }) },
      'application/json': { schema: ReplyBody },
    },
  },
  ...authProblems,
  429: problem('Too many replies in progress for you (rate_limited); see Retry-After'),
  502: problem('Ollama failed (upstream_error); with `stream: false` also mid-reply'),
  503: problem('Ollama cannot be reached (upstream_unavailable)'),
  504: problem('The model did not start replying in time (upstream_timeout)'),
};

/** A route that answers with a reply; `summary` and `body` say what it replies to. */
function replyRoute<Params extends typeof IdParam | typeof MessageIdParam, Body extends z.ZodType>(
  path: string,
  summary: string,
  params: Params,
  body: Body,
) {
  return createRoute({
    method: 'post',
    path,
    tags: ['messages'],
    summary,
    ...secured,
    request: { params, body: jsonBody(body) },
    responses: {
      ...replyAnswer,
      404: problem(
        'No such conversation of yours or message in it (not_found), or its model is gone (model_not_found)',
      ),
      409: problem('The message is not one this can be done to (conflict): see the detail'),
    },
  });
}

const postMessage = (settings: ChatSettings) =>
  replyRoute(
    '/chat/conversations/{id}/messages',
    'Send a message at the end of the current branch; the reply streams back as it is generated',
    IdParam,
    z.strictObject({ content: messageContent(settings), ...replyFields(settings) }),
  );

const editMessage = (settings: ChatSettings) =>
  replyRoute(
    '/chat/conversations/{id}/messages/{messageId}/edit',
    'Edit a message of yours: a new version of it beside the old one (a new branch), and its reply',
    MessageIdParam,
    z.strictObject({ content: messageContent(settings), ...replyFields(settings) }),
  );

const regenerateReply = (settings: ChatSettings) =>
  replyRoute(
    '/chat/conversations/{id}/messages/{messageId}/regenerate',
    'Another reply to the same message: a new version beside this reply (a new branch)',
    MessageIdParam,
    z.strictObject(replyFields(settings)),
  );

const continueReply = (settings: ChatSettings) =>
  replyRoute(
    '/chat/conversations/{id}/messages/{messageId}/continue',
    'Continue a reply that stopped before its end (length limit, stop, time limit); new text is added to it',
    MessageIdParam,
    z.strictObject(replyFields(settings)),
  );

const deleteMessage = createRoute({
  method: 'delete',
  path: '/chat/conversations/{id}/messages/{messageId}',
  tags: ['messages'],
  summary: 'Delete a message and every message below it',
  ...secured,
  request: { params: MessageIdParam },
  responses: {
    204: { description: 'Deleted, with everything below it' },
    ...authProblems,
    404: problem('No such conversation of yours or message in it (not_found)'),
  },
});

const selectBranch = createRoute({
  method: 'put',
  path: '/chat/conversations/{id}/current-branch',
  tags: ['messages'],
  summary: 'Switch the current branch to the one through a message (to its newest message below)',
  ...secured,
  request: {
    params: IdParam,
    body: jsonBody(
      z.strictObject({
        messageId: objectIdString.openapi({
          description: 'Any message of the branch, e.g. a sibling shown as "2 / 3".',
        }),
      }),
    ),
  },
  responses: {
    200: {
      description: 'The conversation on its new branch',
      content: { 'application/json': { schema: ConversationView } },
    },
    ...authProblems,
    404: problem('No such conversation of yours or message in it (not_found)'),
  },
});

export function addMessageRoutes(app: FunctionApp, chat: ChatContext): void {
  const { settings } = chat;

  /** Starts the reply `target` names and answers with it. */
  const reply = async (
    c: Context,
    target: ReplyTarget,
    body: { stream: boolean; cancelOnDisconnect: boolean; options?: GenerationOptionsInput | undefined },
  ) => {
    const userId = userIdOf(c.get('principal'));
    const started = await startReply(
      chat,
      {
        userId,
        conversationId: toObjectId(c.req.param('id') ?? ''),
        target,
        // The request's own options over the user's defaults over the server's; read alongside
        // the conversation.
        options: chat.userSettings
          .get(userId)
          .then((defaults) => ({ num_predict: settings.CHAT_MAX_NUM_PREDICT, ...defaults.options, ...body.options })),
        disconnected: body.cancelOnDisconnect ? c.req.raw.signal : undefined,
      },
      c.get('log'),
    );
    return replyResponse(c, started, body.stream);
  };

  app.openapi(postMessage(settings), async (c) => {
    const body = c.req.valid('json');
    return reply(c, { kind: 'message', content: body.content }, body);
  });

  app.openapi(editMessage(settings), async (c) => {
    const body = c.req.valid('json');
    const messageId = toObjectId(c.req.valid('param').messageId);
    return reply(c, { kind: 'edit', messageId, content: body.content }, body);
  });

  app.openapi(regenerateReply(settings), async (c) =>
    reply(c, { kind: 'regenerate', messageId: toObjectId(c.req.valid('param').messageId) }, c.req.valid('json')),
  );

  app.openapi(continueReply(settings), async (c) =>
    reply(c, { kind: 'continue', messageId: toObjectId(c.req.valid('param').messageId) }, c.req.valid('json')),
  );

  app.openapi(deleteMessage, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const params = c.req.valid('param');
    const id = toObjectId(params.id);
    const [conversation, stored] = await Promise.all([
      chat.store.findConversation(userId, id),
      chat.store.conversationMessages(userId, id),
    ]);
    if (!conversation) throw conversationNotFound();
    const tree = messageTree(stored);
    const messageId = toObjectId(params.messageId);
    const subtree = tree.subtree(messageId);
    if (subtree.length === 0) throw messageNotFound();
    // The branch moves up first, so that a failure halfway never leaves it on a deleted
    // message; and whether its message ends it is forgotten in any case, as a first child's
    // id (firstChildId) may be among those deleted.
    if (subtree.some((message) => message._id.equals(conversation.currentMessageId ?? null))) {
      await chat.store.selectBranch(userId, id, tree.parentId(messageId));
    } else await chat.store.forgetBranchEnd(id);
    await chat.store.discardMessages(
      userId,
      subtree.map((message) => message._id),
    );
    return c.body(null, 204);
  });

  app.openapi(selectBranch, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const id = toObjectId(c.req.valid('param').id);
    const messageId = toObjectId(c.req.valid('json').messageId);
    const [conversation, stored] = await Promise.all([
      chat.store.findConversation(userId, id),
      chat.store.conversationMessages(userId, id),
    ]);
    if (!conversation) throw conversationNotFound();
    if (!messageTree(stored).get(messageId)) throw messageNotFound();
    const updated = await chat.store.selectBranch(userId, id, messageId);
    if (!updated) throw conversationNotFound();
    return c.json(conversationView(updated, stored), 200);
  });
}
