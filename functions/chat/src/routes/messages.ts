import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonBody, problem } from '@zerochat/runtime';
import { streamSSE } from 'hono/streaming';
import {
  authProblems,
  boundedText,
  IdParam,
  Message,
  messageJson,
  secured,
  toObjectId,
  Usage,
  userIdOf,
} from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import type { ChatSettings } from '../config.ts';
import { sseMessage } from '../reply/reply-sse.ts';
import { startReply } from '../reply/start-reply.ts';
import type { FinishReason } from '../reply/stream-reply.ts';

const FINISH_REASONS = ['stop', 'length', 'cancelled', 'timeout'] as const satisfies readonly FinishReason[];

function sendMessageBody(settings: ChatSettings) {
  return z.strictObject({
    content: boundedText(settings.CHAT_MAX_MESSAGE_BYTES)
      .refine((text) => text.trim().length > 0, 'must not be empty')
      .openapi({ description: `The message: not blank, at most ${settings.CHAT_MAX_MESSAGE_BYTES} bytes in UTF-8.` }),
    stream: z.boolean().default(true).openapi({ description: 'false: the whole reply as one JSON body.' }),
    options: z
      .strictObject({
        temperature: z.number().min(0).max(2).optional(),
        top_p: z.number().gt(0).max(1).optional(),
        num_ctx: z.int().min(256).max(settings.CHAT_MAX_NUM_CTX).optional(),
        seed: z.int().min(0).max(4_294_967_295).optional(),
        num_predict: z
          .int()
          .min(1)
          .max(settings.CHAT_MAX_NUM_PREDICT)
          .optional()
          .openapi({ description: `Tokens at most; default ${settings.CHAT_MAX_NUM_PREDICT}.` }),
      })
      .optional()
      .openapi({ description: 'Ollama model options, within the configured bounds.' }),
  });
}

const Reply = z
  .object({
    conversationId: z.string(),
    userMessage: Message,
    message: Message,
    finishReason: z.enum(FINISH_REASONS),
    usage: Usage.nullable(),
  })
  .openapi('Reply');

const SSE_DESCRIPTION = `Server-Sent Events, in this order:
- \`message.start\` \`{conversationId, userMessageId, messageId, model}\`
- \`message.delta\` \`{content}\`, many
- \`message.done\` \`{messageId, finishReason, usage}\` — the reply is stored when this arrives — or \`error\` (a problem object); then the stream ends.`;

function postMessageRoute(settings: ChatSettings) {
  return createRoute({
    method: 'post',
    path: '/chat/conversations/{id}/messages',
    tags: ['messages'],
    summary: 'Send a message; the reply streams back as it is generated',
    ...secured,
    request: { params: IdParam, body: jsonBody(sendMessageBody(settings)) },
    responses: {
      200: {
        description: 'The reply: an event stream, or with `stream: false` one JSON body',
        content: {
          'text/event-stream': { schema: z.string().openapi({ description: SSE_DESCRIPTION }) },
          'application/json': { schema: Reply },
        },
      },
      ...authProblems,
      404: problem('No such conversation of yours (not_found), or its model is gone (model_not_found)'),
      429: problem('Too many replies in progress for you (rate_limited); see Retry-After'),
      502: problem('Ollama failed (upstream_error); with `stream: false` also mid-reply'),
      503: problem('Ollama cannot be reached (upstream_unavailable)'),
      504: problem('The model did not start replying in time (upstream_timeout)'),
    },
  });
}

export function addMessageRoutes(app: FunctionApp, chat: ChatContext): void {
  app.openapi(postMessageRoute(chat.settings), async (c) => {
    const body = c.req.valid('json');
    const log = c.get('log');
    const reply = await startReply(
      chat,
      {
        userId: userIdOf(c.get('principal')),
        conversationId: toObjectId(c.req.valid('param').id),
        content: body.content,
        options: { num_predict: chat.settings.CHAT_MAX_NUM_PREDICT, ...body.options },
        disconnected: c.req.raw.signal,
      },
      log,
    );
    if (!reply) {
      log.info('the client left before the reply started');
      // nginx's "client closed request": nobody reads it, but logs and metrics tell it apart.
      return new Response(null, { status: 499 });
    }

    if (!body.stream) {
      const finished = await reply.finished;
      if ('problem' in finished) throw finished.problem;
      return c.json(
        {
          conversationId: reply.conversation._id.toHexString(),
          userMessage: messageJson(reply.userMessage),
          message: messageJson({ ...reply.message, ...finished }),
          finishReason: finished.finishReason,
          usage: finished.usage,
        },
        200,
      );
    }

    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (sse) => {
      // Written one at a time as the reader takes them: a slow reader gets its events late,
      // but the reply runs on at the model's pace.
      try {
        for await (const event of reply.events()) await sse.writeSSE(sseMessage(event, c.get('requestId')));
      } catch {
        // The reader left; the reply goes on or ends without it.
      }
    });
  });
}
