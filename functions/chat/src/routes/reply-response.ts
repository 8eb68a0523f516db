import { z } from '@hono/zod-openapi';
import type { FunctionEnv } from '@zerochat/runtime';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { Message, messageJson, Usage } from '../api-schemas.ts';
import { sseMessage } from '../reply/reply-sse.ts';
import type { Reply } from '../reply/start-reply.ts';
import { FINISH_REASONS } from '../reply/stream-reply.ts';

export const ReplyBody = z
  .object({
    conversationId: z.string(),
    userMessage: Message,
    message: Message,
    finishReason: z.enum(FINISH_REASONS),
    usage: Usage.nullable(),
  })
  .openapi('Reply');

export const SSE_DESCRIPTION = `Server-Sent Events, each with an \`id\` (the length of the reply's text once the event is read), in this order:
- \`message.start\` \`{conversationId, userMessageId, messageId, model}\`
- \`message.delta\` \`{content}\`, many
- \`message.done\` \`{messageId, finishReason, usage}\` — the reply is stored when this arrives — or \`error\` (a problem object)
- after a conversation's first reply, \`conversation.title\` \`{conversationId, title}\` when the model named it in time; then the stream ends.`;

/** A started reply as the answer: its events as SSE, or (stream: false) the finished reply as JSON. */
export async function replyResponse(
  c: Context<FunctionEnv>,
  reply: Reply | undefined,
  stream: boolean,
): Promise<Response> {
  if (!reply) {
    c.get('log').info('the client left before the reply started');
    // nginx's "client closed request": nobody reads it, but logs and metrics tell it apart.
    return new Response(null, { status: 499 });
  }
  if (!stream) {
    const finished = await reply.finished;
    if ('problem' in finished) throw finished.problem;
    return c.json({
      conversationId: reply.conversation._id.toHexString(),
      userMessage: messageJson(reply.userMessage),
      message: messageJson({ ...reply.message, ...finished }),
      finishReason: finished.finishReason,
      usage: finished.usage,
    });
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
}
