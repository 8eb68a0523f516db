import { z } from '@hono/zod-openapi';
import type { ConversationDocument, MessageDocument } from '@zerochat/data';
import { Conversation, conversationJson, Message, messageJson } from './api-schemas.ts';
import { currentPath, messageTree } from './message-tree.ts';

const PathMessage = Message.extend({
  siblingIds: z.array(z.string()).openapi({
    description:
      'The versions of this message (itself included), oldest first: show "2 / 3" and switch with PUT …/current-branch.',
  }),
}).openapi('PathMessage');

export const ConversationView = Conversation.extend({
  currentMessageId: z.string().nullable().openapi({ description: 'The last message of the current branch.' }),
  messages: z.array(PathMessage).openapi({ description: 'The current branch, oldest first.' }),
}).openapi('ConversationWithMessages');

/** A conversation with its current branch, each message with its siblings. */
export function conversationView(
  conversation: ConversationDocument,
  stored: readonly MessageDocument[],
): z.infer<typeof ConversationView> {
  const tree = messageTree(stored);
  const path = currentPath(tree, conversation.currentMessageId);
  return {
    ...conversationJson(conversation),
    currentMessageId: path.at(-1)?._id.toHexString() ?? null,
    messages: path.map((message) => ({
      ...messageJson(message, tree.parentId(message._id)),
      siblingIds: tree.siblings(message._id).map((sibling) => sibling._id.toHexString()),
    })),
  };
}
