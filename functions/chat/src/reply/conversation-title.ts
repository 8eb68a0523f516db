import type { ConversationDocument } from '@zerochat/data';
import type { Logger } from '@zerochat/runtime';
import type { ChatContext } from '../chat-context.ts';
import type { ModelServer } from '../model-server.ts';

/** How long the model may take to write a title. */
const TITLE_TIMEOUT_MS = 60_000;

/**
 * Has the conversation's model name it after its first exchange, and stores the title unless
 * the conversation was renamed meanwhile (`from` is the title the first message gave it).
 * Resolves with the title stored, or undefined: on any failure the first message's title stays.
 */
export async function nameConversation(
  chat: Pick<ChatContext, 'models' | 'store' | 'lifecycle'>,
  input: { conversation: ConversationDocument; from: string; question: string; answer: string },
  log: Logger,
): Promise<string | undefined> {
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(TITLE_TIMEOUT_MS), chat.lifecycle.graceOver]);
    const title = await generateTitle(
      chat.models,
      { model: input.conversation.model, question: input.question, answer: input.answer },
      signal,
    );
    if (!title) {
      log.info('the model gave no usable title');
      return undefined;
    }
    return (await chat.store.retitle(input.conversation._id, input.from, title)) ? title : undefined;
  } catch (error) {
    log.warn('the model could not name the conversation', { err: error });
    return undefined;
  }
}

/** Code points a generated title may have; longer ones are cut at a word. */
const TITLE_MAX_CHARS = 60;

/**
 * Asks the model for a short title of a conversation from its first message and reply.
 * Resolves undefined when the model gives nothing usable; rejects when it fails.
 */
export async function generateTitle(
  models: ModelServer,
  request: { model: string; question: string; answer: string },
  signal: AbortSignal,
): Promise<string | undefined> {
  const chunks = await models.chat(
    {
      model: request.model,
      messages: [
        {
          role: 'user',
          content: `Write a title of at most six words for this conversation. Answer with the title only, without quotes.\n\nQuestion: ${request.question.slice(0, 2000)}\n\nAnswer: ${request.answer.slice(0, 2000)}`,
        },
      ],
      options: { num_predict: 24, temperature: 0.2 },
    },
    signal,
  );
  let text = '';
  for await (const chunk of chunks) text += chunk.message?.content ?? '';
  return cleanTitle(text);
}

/** The first line of what the model wrote, without the decoration models like to add. */
export function cleanTitle(text: string): string | undefined {
  const line =
    text
      .trim()
      .split('\n')[0]
      ?.replace(/^(#+|\*+|title\s*:)\s*/i, '')
      .replace(/^["'“”*]+|["'“”*.]+$/g, '')
      .replace(/\s+/g, ' ')
      .trim() ?? '';
  if (!/[\p{L}\p{N}]/u.test(line)) return undefined;
  const chars = [...line];
  if (chars.length <= TITLE_MAX_CHARS) return line;
  const cut = chars.slice(0, TITLE_MAX_CHARS - 1).join('');
  return `${cut.slice(0, cut.lastIndexOf(' ') > 20 ? cut.lastIndexOf(' ') : cut.length).trimEnd()}…`;
}
