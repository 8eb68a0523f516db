import { z } from '@hono/zod-openapi';
import { type ConversationDocument, type MessageDocument, OBJECT_ID_HEX } from '@zerochat/data';
import { type Principal, problem, unauthorized } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import { FINISH_REASONS } from './reply/stream-reply.ts';

// The chat API's shapes: request pieces (strict at every level) and responses, plus the
// mapping from stored documents to responses.

export const objectIdString = z.string().regex(OBJECT_ID_HEX, 'must be a 24-character hex id');

export const IdParam = z.strictObject({
  id: objectIdString.openapi({ param: { name: 'id', in: 'path' }, example: '6650c3f4a1b2c3d4e5f60718' }),
});

export const MessageIdParam = IdParam.extend({
  messageId: objectIdString.openapi({ param: { name: 'messageId', in: 'path' }, example: '6650c3f4a1b2c3d4e5f60720' }),
});

export const Title = z.string().trim().min(1, 'must not be empty').max(200);

/** Free text limited in UTF-8 bytes, as stored and sent to the model. */
export function boundedText(maxBytes: number) {
  return z
    .string()
    .refine((text) => Buffer.byteLength(text) <= maxBytes, `must be at most ${maxBytes} bytes (UTF-8)`)
    .openapi({ description: `At most ${maxBytes} bytes in UTF-8.` });
}

export const Usage = z
  .object({
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    durationMs: z.number().int(),
  })
  .openapi('Usage');

export const Message = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    parentId: z.string().nullable().openapi({ description: 'The message this one follows; null for a first message.' }),
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string(),
    status: z.enum(['pending', 'complete', 'incomplete', 'error']).openapi({
      description:
        '`pending` while the reply is generated; `incomplete` when it was cancelled or cut off (the text so far is kept); `error` when the model server failed.',
    }),
    finishReason: z.enum(FINISH_REASONS).nullable().openapi({
      description: 'Why a finished reply ended (`length`, `cancelled` and `timeout` can be continued); null otherwise.',
    }),
    model: z.string().nullable(),
    usage: Usage.nullable().openapi({ description: "Ollama's counts for a reply it finished; null otherwise." }),
    createdAt: z.iso.datetime(),
  })
  .openapi('Message');

export const Conversation = z
  .object({
    id: z.string(),
    title: z.string(),
    model: z.string(),
    systemPrompt: z.string().nullable(),
    pinned: z.boolean().openapi({ description: 'Listed before the others.' }),
    archived: z.boolean().openapi({ description: 'Left out of the list unless `archived` asks for it.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Conversation');

export function conversationJson(conversation: ConversationDocument): z.infer<typeof Conversation> {
  return {
    id: conversation._id.toHexString(),
    title: conversation.title,
    model: conversation.model,
    systemPrompt: conversation.systemPrompt,
    pinned: conversation.pinned === true,
    archived: conversation.archived === true,
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
  };
}

export function messageJson(
  message: MessageDocument,
  parentId: ObjectId | null | undefined = message.parentId,
): z.infer<typeof Message> {
  return {
    id: message._id.toHexString(),
    conversationId: message.conversationId.toHexString(),
    parentId: parentId?.toHexString() ?? null,
    role: message.role,
    content: message.content,
    status: message.status,
    finishReason: message.finishReason ?? null,
    model: message.model,
    usage: message.usage,
    createdAt: message.createdAt.toISOString(),
  };
}

/** The signed-in user's id: the access token's subject, which the auth function makes a user ObjectId. */
export function userIdOf(principal: Principal): ObjectId {
  if (!OBJECT_ID_HEX.test(principal.userId)) {
    throw unauthorized('token_claims_invalid', 'The access token\'s "sub" claim is not a user id.');
  }
  return ObjectId.createFromHexString(principal.userId);
}

export const toObjectId = (hex: string) => ObjectId.createFromHexString(hex);

/** OpenAPI parts every chat route shares: the bearer token and the problems it can cause. */
export const secured = { security: [{ bearerAuth: [] }] };

export const authProblems = {
  400: problem('Invalid input (validation_failed, malformed_json)'),
  401: problem('No valid access token (token_*)'),
} as const;
