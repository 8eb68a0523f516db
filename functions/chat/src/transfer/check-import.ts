import type { FieldError } from '@zerochat/runtime';
import type { TransferConversation, TransferFile } from './transfer-format.ts';

/** Past this many errors the rest are not listed: one is enough to fix the file. */
const MAX_LISTED = 20;

/**
 * What the schema cannot say about a file: that it is not too big, and that each
 * conversation's messages form a tree (unique ids, parents that exist, no cycles, a current
 * message that exists). Answers the errors, none when the file can be imported as it is.
 */
export function checkImport(file: TransferFile, maxMessages: number): FieldError[] {
  const total = file.conversations.reduce((sum, conversation) => sum + conversation.messages.length, 0);
  if (total > maxMessages || file.conversations.length > maxMessages) {
    return [
      {
        in: 'body',
        pointer: '/conversations',
        detail: `The file holds ${total} messages in ${file.conversations.length} conversations; at most ${maxMessages} of either can be imported at once.`,
      },
    ];
  }
  return file.conversations.flatMap((conversation, index) => treeErrors(conversation, index)).slice(0, MAX_LISTED);
}

function treeErrors(conversation: TransferConversation, index: number): FieldError[] {
  const at = (pointer: string, detail: string): FieldError => ({
    in: 'body',
    pointer: `/conversations/${index}${pointer}`,
    detail,
  });
  const errors: FieldError[] = [];
  const parentOf = new Map<string, string | null>();
  conversation.messages.forEach((message, position) => {
    if (parentOf.has(message.id))
      errors.push(at(`/messages/${position}/id`, `Another message has the id "${message.id}".`));
    parentOf.set(message.id, message.parentId);
  });
  conversation.messages.forEach((message, position) => {
    if (message.parentId !== null && !parentOf.has(message.parentId)) {
      errors.push(
        at(`/messages/${position}/parentId`, `No message of this conversation has the id "${message.parentId}".`),
      );
    }
  });
  if (conversation.currentMessageId !== null && !parentOf.has(conversation.currentMessageId)) {
    errors.push(
      at('/currentMessageId', `No message of this conversation has the id "${conversation.currentMessageId}".`),
    );
  }
  if (errors.length) return errors;

  // Every message must lead up to a first message; one that leads back to itself is in a cycle.
  const rooted = new Set<string>();
  conversation.messages.forEach((message, position) => {
    const path = new Set<string>();
    let id: string | null = message.id;
    while (id !== null && !rooted.has(id)) {
      if (path.has(id)) {
        errors.push(at(`/messages/${position}/parentId`, 'Its parents lead back to it: the messages form a cycle.'));
        return;
      }
      path.add(id);
      id = parentOf.get(id) ?? null;
    }
    for (const seen of path) rooted.add(seen);
  });
  return errors;
}
