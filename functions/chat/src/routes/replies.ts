import { setTimeout as sleep } from 'node:timers/promises';
import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonResponse, problem } from '@zerochat/runtime';
import { streamSSE } from 'hono/streaming';
import { authProblems, Message, MessageIdParam, messageJson, secured, toObjectId, userIdOf } from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import { messageNotFound } from '../problems.ts';
import { followStoredReply } from '../reply/follow-stored-reply.ts';
import { settleIfOrphaned } from '../reply/orphaned-reply.ts';
import { sseMessage } from '../reply/reply-sse.ts';
import { SSE_DESCRIPTION } from './reply-response.ts';

/** How long a stop waits for the reply to be stored as stopped before it answers 202. */
const STOP_WAIT_MS = 5000;

const replyEvents = createRoute({
  method: 'get',
  path: '/chat/conversations/{id}/messages/{messageId}/events',
  tags: ['messages'],
  summary: "A reply's event stream, to read it (again) during or after its generation, on any instance",
  description:
    'Without Last-Event-ID: `message.start`, the text so far as one `message.delta`, then the rest as it is generated, then `message.done` or `error`. With Last-Event-ID (the `id` of the last event read): only what came after it. A reply that has ended answers at once.',
  ...secured,
  request: {
    params: MessageIdParam,
    headers: z.object({
      'last-event-id': z
        .string()
        .regex(/^\d{1,9}$/, 'must be the id of an event of this reply')
        .optional()
        .openapi({ description: 'The id of the last event read: how much of the text the reader has.' }),
    }),
  },
  responses: {
    200: {
      description: 'The event stream',
      content: { 'text/event-stream': { schema: z.string().openapi({ description: SSE_DESCRIPTION }) } },
    },
    ...authProblems,
    404: problem('No such conversation of yours, or no such reply in it (not_found)'),
  },
});

const stopReply = createRoute({
  method: 'post',
  path: '/chat/conversations/{id}/messages/{messageId}/stop',
  tags: ['messages'],
  summary: 'Stop a reply being generated, on whichever instance generates it; the text so far is kept',
  ...secured,
  request: { params: MessageIdParam },
  responses: {
    200: jsonResponse(Message, 'The reply as stored now: stopped (`incomplete`), or as it had ended before'),
    202: jsonResponse(
      Message,
      'The stop is requested, but the reply was not stored as stopped within 5 s: its instance is busy, or went away less than `CHAT_GENERATION_LEASE_MS` ago (the reply is then stored as stopped once that has passed, by the next stop or read)',
    ),
    ...authProblems,
    404: problem('No such conversation of yours, or no such reply in it (not_found)'),
  },
});

export function addReplyRoutes(app: FunctionApp, chat: ChatContext): void {
  /** The assistant message, or 404. */
  const findReply = async (principal: Parameters<typeof userIdOf>[0], params: { id: string; messageId: string }) => {
    const reply = await chat.store.findMessage(
      userIdOf(principal),
      toObjectId(params.id),
      toObjectId(params.messageId),
    );
    if (reply?.role !== 'assistant') throw messageNotFound();
    return reply;
  };

  app.openapi(replyEvents, async (c) => {
    const params = c.req.valid('param');
    const reply = await findReply(c.get('principal'), params);
    const lastEventId = c.req.valid('header')['last-event-id'];
    const after = lastEventId === undefined ? undefined : Number(lastEventId);
    const signal = c.req.raw.signal;
    const events =
      chat.live.get(params.messageId)?.follow(after) ?? followStoredReply(chat, reply, after, signal, c.get('log'));
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (sse) => {
      try {
        for await (const event of events) await sse.writeSSE(sseMessage(event, c.get('requestId')));
      } catch {
        // The reader left.
      } finally {
        await events.return(undefined);
      }
    });
  });

  app.openapi(stopReply, async (c) => {
    const params = c.req.valid('param');
    let reply = await findReply(c.get('principal'), params);
    if (reply.status !== 'pending') return c.json(messageJson(reply), 200);
    // The request in the database reaches whichever instance generates it; here, at once.
    await chat.store.requestStop(reply._id);
    const live = chat.live.get(params.messageId);
    live?.stop();
    // No instance generates it any more (its lease lapsed): nobody else will end it.
    const settle = async () => (await settleIfOrphaned(chat, reply, true, c.get('log'))).reply;
    if (!live) reply = await settle();
    const deadline = performance.now() + STOP_WAIT_MS;
    while (reply.status === 'pending' && performance.now() < deadline) {
      await sleep(Math.min(100, chat.settings.CHAT_REPLY_PROGRESS_MS));
      reply = (await chat.store.findMessage(reply.userId, reply.conversationId, reply._id)) ?? reply;
    }
    if (reply.status === 'pending') reply = await settle();
    return c.json(messageJson(reply), reply.status === 'pending' ? 202 : 200);
  });
}
