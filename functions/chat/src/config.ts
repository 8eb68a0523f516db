import { ollamaEnv, ollamaModelName } from '@zerochat/ollama';
import { accessTokenEnv, envBoolean, envInteger, mongoEnv, requireKeySource, serverEnv } from '@zerochat/runtime';
import { z } from 'zod';

export const chatEnv = {
  /** Comma-separated allow-list of models users may pick; empty allows every model Ollama has. */
  CHAT_MODELS: z
    .string()
    .transform((list) => list.split(',').filter((name) => name.trim() !== ''))
    .pipe(z.array(ollamaModelName))
    .default([]),
  /** Largest message content (and system prompt), in UTF-8 bytes. */
  CHAT_MAX_MESSAGE_BYTES: envInteger(1, 1024 * 1024).default(32 * 1024),
  /** Replies one user may have in generation at once, across all instances. */
  CHAT_MAX_CONCURRENT_PER_USER: envInteger(1, 100).default(2),
  /** How long to wait for the first token; loading a model cold can take minutes. */
  CHAT_FIRST_TOKEN_TIMEOUT_MS: envInteger(100, 3_600_000).default(300_000),
  /** Upper bound for a whole reply, first token included; the reply is cut off there. */
  CHAT_GENERATION_TIMEOUT_MS: envInteger(100, 6 * 3_600_000).default(600_000),
  /** Characters of earlier messages sent along with a new one; the oldest are left out first. */
  CHAT_HISTORY_BUDGET_CHARS: envInteger(0, 10_000_000).default(24_000),
  /** Upper bound (and default) for the `num_predict` option: tokens per reply. */
  CHAT_MAX_NUM_PREDICT: envInteger(1, 1_000_000).default(8192),
  /** Upper bound for the `num_ctx` option: the context window a request may ask for. */
  CHAT_MAX_NUM_CTX: envInteger(256, 1_048_576).default(32_768),
  /**
   * How often a reply in progress saves its text so far (for readers on other instances) and
   * looks for a stop request from another instance; also how often such readers look.
   */
  CHAT_REPLY_PROGRESS_MS: envInteger(50, 10_000).default(250),
  /** true: after a conversation's first reply, the model writes it a short title. */
  CHAT_TITLES: envBoolean.default(true),
  /** How long a first reply's stream stays open after message.done for its conversation.title event. */
  CHAT_TITLE_WAIT_MS: envInteger(0, 60_000).default(5000),
  /** false: no saves of the text so far (resuming on another instance then waits for the end). */
  CHAT_REPLY_PROGRESS_WRITES: envBoolean.default(true),
  /**
   * How long a reply's generation slot stays taken without renewal (renewed every third of it):
   * the longest a crashed instance blocks a slot, and how soon its replies count as ended.
   */
  CHAT_GENERATION_LEASE_MS: envInteger(1000, 600_000).default(60_000),
  /** Largest file POST /chat/import takes, in bytes; the whole file is read before anything is written. */
  CHAT_IMPORT_MAX_BYTES: envInteger(1024, 256 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Most messages (and conversations) one import takes. */
  CHAT_IMPORT_MAX_MESSAGES: envInteger(1, 1_000_000).default(20_000),
};

export const chatConfigSchema = z
  .object({ ...serverEnv, ...mongoEnv, ...accessTokenEnv, ...ollamaEnv, ...chatEnv })
  .superRefine(requireKeySource)
  .superRefine((config, ctx) => {
    // A message travels inside a JSON body; the body limit must leave room for it.
    if (config.CHAT_MAX_MESSAGE_BYTES + 1024 > config.BODY_LIMIT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAT_MAX_MESSAGE_BYTES'],
        message: 'must be at least 1024 below BODY_LIMIT_BYTES',
      });
    }
  });

export type ChatConfig = z.output<typeof chatConfigSchema>;

/** The settings the chat routes use; the rest only matters to the entry file. */
export type ChatSettings = Pick<
  ChatConfig,
  | 'BODY_LIMIT_BYTES'
  | 'ZEROCHAT_MODEL'
  | 'CHAT_MODELS'
  | 'CHAT_MAX_MESSAGE_BYTES'
  | 'CHAT_MAX_CONCURRENT_PER_USER'
  | 'CHAT_FIRST_TOKEN_TIMEOUT_MS'
  | 'CHAT_GENERATION_TIMEOUT_MS'
  | 'CHAT_HISTORY_BUDGET_CHARS'
  | 'CHAT_MAX_NUM_PREDICT'
  | 'CHAT_MAX_NUM_CTX'
  | 'CHAT_REPLY_PROGRESS_MS'
  | 'CHAT_REPLY_PROGRESS_WRITES'
  | 'CHAT_TITLES'
  | 'CHAT_TITLE_WAIT_MS'
  | 'CHAT_GENERATION_LEASE_MS'
  | 'CHAT_IMPORT_MAX_BYTES'
  | 'CHAT_IMPORT_MAX_MESSAGES'
>;
