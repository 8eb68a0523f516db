import { z } from '@hono/zod-openapi';
import type { ChatSettings } from './config.ts';

/** Stop sequences a reply may have; Ollama ends the reply where one appears. */
const MAX_STOP_SEQUENCES = 8;
const MAX_STOP_CHARS = 100;

/**
 * The Ollama options a user may set, on a message or as their default, each within bounds
 * that keep a reply sane and the server safe (the context and the length capped by the
 * configuration). Anything else is refused rather than passed on.
 */
export function generationOptions(settings: Pick<ChatSettings, 'CHAT_MAX_NUM_CTX' | 'CHAT_MAX_NUM_PREDICT'>) {
  return z
    .strictObject({
      temperature: z.number().min(0).max(2).optional(),
      top_p: z.number().gt(0).max(1).optional(),
      top_k: z.int().min(1).max(1000).optional(),
      min_p: z.number().min(0).max(1).optional(),
      repeat_penalty: z.number().min(0.5).max(2).optional(),
      stop: z
        .array(z.string().min(1).max(MAX_STOP_CHARS))
        .max(MAX_STOP_SEQUENCES)
        .optional()
        .openapi({ description: `Up to ${MAX_STOP_SEQUENCES} sequences of 1–${MAX_STOP_CHARS} characters.` }),
      num_ctx: z.int().min(256).max(settings.CHAT_MAX_NUM_CTX).optional(),
      seed: z.int().min(0).max(4_294_967_295).optional(),
      num_predict: z
        .int()
        .min(1)
        .max(settings.CHAT_MAX_NUM_PREDICT)
        .optional()
        .openapi({ description: `Tokens at most; default ${settings.CHAT_MAX_NUM_PREDICT}.` }),
    })
    .openapi({ description: 'Ollama model options, within the configured bounds.' });
}

export type GenerationOptionsInput = z.output<ReturnType<typeof generationOptions>>;
