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
