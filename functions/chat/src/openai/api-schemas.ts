import { z } from '@hono/zod-openapi';

// The OpenAPI pieces of /v1 that differ from the rest of the chat API: OpenAI's error shape.

export const OpenAiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().openapi({ example: 'invalid_request_error' }),
      param: z.string().nullable().openapi({ example: 'temperature' }),
      code: z.string().nullable().openapi({ example: 'invalid_value' }),
    }),
  })
  .openapi('OpenAIError');

/** An error response of /v1 in the OpenAPI document: OpenAI's `{"error": {…}}`, not problem+json. */
export function openAiErrorResponse(description: string) {
  return { description, content: { 'application/json': { schema: OpenAiErrorSchema } } } as const;
}

export const credentialErrors = {
  401: openAiErrorResponse(
    'No credential, an unknown, revoked or expired key (invalid_api_key, api_key_expired), or an invalid access token (token_*)',
  ),
  403: openAiErrorResponse("The key's account is disabled (account_disabled)"),
} as const;

/** Either credential: an API key (`zc-…`) or an access token, as `Authorization: Bearer`. */
export const keyOrToken: { security: Array<Record<string, string[]>> } = {
  security: [{ apiKey: [] }, { bearerAuth: [] }],
};

const Usage = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
  .openapi('CompletionUsage');

export const ChatCompletionSchema = z
  .object({
    id: z.string().openapi({ example: 'chatcmpl-3f1c0e0d9a8b7c6d5e4f3a2b' }),
    object: z.literal('chat.completion'),
    created: z.number().int().openapi({ description: 'Unix seconds.' }),
    model: z.string(),
    system_fingerprint: z.null(),
    choices: z.array(
      z.object({
        index: z.literal(0),
        message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: z.enum(['stop', 'length']),
      }),
    ),
    usage: Usage,
  })
  .openapi('ChatCompletion');
