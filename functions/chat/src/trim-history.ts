import type { ChatMessage } from './model-server.ts';

export interface EarlierMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface HistoryInput {
  systemPrompt: string | null;
  /** The conversation so far, oldest first. */
  earlier: readonly EarlierMessage[];
  /** The message being answered. */
  next: string;
  /** Characters the whole prompt may take; earlier messages are left out to stay within it. */
  budgetChars: number;
}

/**
 * The messages sent to the model: the system prompt, then as many of the most recent earlier
 * messages as fit the budget (the oldest are left out first, and the kept part never starts
 * with a reply whose question was left out), then the new message. The system prompt and the
 * new message always go, even when they alone exceed the budget; Ollama then truncates to
 * the model's context window itself.
 */
export function trimHistory(input: HistoryInput): ChatMessage[] {
  let remaining = historyRoom(input);
  let firstKept = input.earlier.length;
  for (let i = input.earlier.length - 1; i >= 0; i--) {
    const size = input.earlier[i]?.content.length ?? 0;
    if (size > remaining) break;
    remaining -= size;
    firstKept = i;
  }
  while (input.earlier[firstKept]?.role === 'assistant') firstKept++;

  return [
    ...(input.systemPrompt ? [{ role: 'system' as const, content: input.systemPrompt }] : []),
    ...input.earlier.slice(firstKept).map(({ role, content }) => ({ role, content })),
    { role: 'user', content: input.next },
  ];
}

/**
 * Characters the earlier messages may take: the budget less the system prompt and the new
 * message. Kept from the newest back, each while it fits in what is left; the first that does
 * not fit ends the history.
 */
export function historyRoom(input: Omit<HistoryInput, 'earlier'>): number {
  return input.budgetChars - input.next.length - (input.systemPrompt?.length ?? 0);
}
