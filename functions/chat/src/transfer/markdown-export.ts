import type { ConversationDocument, MessageDocument } from '@zerochat/data';
import { currentPath, messageTree } from '../message-tree.ts';

// A conversation as Markdown, for reading: its current branch only. The other branches, the
// message ids, usage counts and pinned/archived flags are left out; the JSON export keeps them.

const SPEAKER = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

/** The note a file of conversations in Markdown starts with. */
export function markdownHead(exportedAt: Date): string {
  return `<!-- zerochat conversations, exported ${exportedAt.toISOString()}. Current branches only: export as JSON to keep every branch and import it back. -->\n`;
}

/** One conversation: a heading, its model and dates, its system prompt, then its current branch. */
export function markdownConversation(conversation: ConversationDocument, stored: readonly MessageDocument[]): string {
  const path = currentPath(messageTree(stored), conversation.currentMessageId);
  const parts = [
    `# ${oneLine(conversation.title)}`,
    `Model: ${conversation.model} · started ${conversation.createdAt.toISOString()} · last active ${conversation.updatedAt.toISOString()}`,
  ];
  if (conversation.systemPrompt) parts.push(`## System prompt\n\n${conversation.systemPrompt}`);
  for (const message of path) {
    const model = message.role === 'assistant' && message.model ? ` (${message.model})` : '';
    const note = message.status === 'complete' ? '' : `\n\n*(${statusNote(message)})*`;
    parts.push(`## ${SPEAKER[message.role]}${model}\n\n${message.content}${note}`);
  }
  return `\n${parts.join('\n\n')}\n`;
}

function statusNote(message: MessageDocument): string {
  if (message.status === 'error') return 'the model failed while writing this reply';
  if (message.status === 'pending') return 'still being written when exported';
  return `incomplete: ${message.finishReason ?? 'cut off'}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
