import { describe, expect, it } from 'vitest';
import { type EarlierMessage, trimHistory } from './trim-history.ts';

const turn = (question: string, answer: string): EarlierMessage[] => [
  { role: 'user', content: question },
  { role: 'assistant', content: answer },
];

const earlier = [...turn('q1-aaaa', 'a1-aaaa'), ...turn('q2-bbbb', 'a2-bbbb'), ...turn('q3-cccc', 'a3-cccc')];

describe('trimHistory', () => {
  it('sends the system prompt, everything earlier and the new message when they fit', () => {
    const messages = trimHistory({ systemPrompt: 'be brief', earlier, next: 'q4', budgetChars: 1000 });
    expect(messages.map((m) => `${m.role}:${m.content}`)).toEqual([
      'system:be brief',
      'user:q1-aaaa',
      'assistant:a1-aaaa',
      'user:q2-bbbb',
      'assistant:a2-bbbb',
      'user:q3-cccc',
      'assistant:a3-cccc',
      'user:q4',
    ]);
  });

  it('leaves out the oldest messages first to stay within the budget', () => {
    // 2 (next) + 8 (system) + 4 × 7 (the last two turns) = 38
    const messages = trimHistory({ systemPrompt: 'be brief', earlier, next: 'q4', budgetChars: 38 });
    expect(messages.map((m) => m.content)).toEqual(['be brief', 'q2-bbbb', 'a2-bbbb', 'q3-cccc', 'a3-cccc', 'q4']);
    const total = messages.reduce((sum, m) => sum + m.content.length, 0);
    expect(total).toBeLessThanOrEqual(38);
  });

  it('never starts the kept part with a reply whose question was left out', () => {
    // Room for a2, q3, a3 (21) but not q2: a2 goes too.
    const messages = trimHistory({ systemPrompt: null, earlier, next: 'q4', budgetChars: 2 + 21 + 6 });
    expect(messages.map((m) => m.content)).toEqual(['q3-cccc', 'a3-cccc', 'q4']);
  });

  it('always sends the system prompt and the new message, even over budget', () => {
    const messages = trimHistory({
      systemPrompt: 'long system prompt',
      earlier,
      next: 'a long question',
      budgetChars: 5,
    });
    expect(messages).toEqual([
      { role: 'system', content: 'long system prompt' },
      { role: 'user', content: 'a long question' },
    ]);
  });

  it('leaves out an empty system prompt', () => {
    expect(trimHistory({ systemPrompt: '', earlier: [], next: 'hi', budgetChars: 100 })).toEqual([
      { role: 'user', content: 'hi' },
    ]);
  });
});
