import { z } from '@hono/zod-openapi';
import type { ChatMessage, ChatRequest, ModelOptions } from '../model-server.ts';
import { invalidValue, unsupportedParameter } from './openai-errors.ts';

// POST /v1/chat/completions as OpenAI's API reference defines it, with what zerochat cannot do
// (tools, images, n > 1, log probabilities, stored completions) refused by name, and every
// other unknown argument refused as OpenAI refuses it ("Unrecognized request argument").

const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });
/** Parts zerochat cannot use; accepted by the schema only to be refused with a clear error. */
const MediaPart = z.looseObject({ type: z.enum(['image_url', 'input_audio', 'file', 'refusal']) });
const Content = z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPart, MediaPart])).min(1)]);
const Name = z.string().max(256).optional();

const Message = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: Content, name: Name }),
  z.strictObject({ role: z.literal('developer'), content: Content, name: Name }),
  z.strictObject({ role: z.literal('user'), content: Content, name: Name }),
  z.strictObject({
    role: z.literal('assistant'),
    content: Content.nullable().optional(),
    name: Name,
    refusal: z.string().nullable().optional(),
    tool_calls: z.array(z.unknown()).optional(),
    function_call: z.unknown().optional(),
  }),
  // Tool results: refused below, as tools are.
  z.looseObject({ role: z.enum(['tool', 'function']) }),
]);

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const CompletionRequest = z
  .strictObject({
    model: z.string().min(1).max(200).openapi({ example: 'llama3.2:1b' }),
    messages: z.array(Message).min(1).max(1000),
    stream: nullable(z.boolean()),
    stream_options: nullable(
      z.strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }),
    ),
    max_tokens: nullable(z.int().min(1)).openapi({ description: 'Deprecated by OpenAI; max_completion_tokens.' }),
    max_completion_tokens: nullable(z.int().min(1)),
    temperature: nullable(z.number().min(0).max(2)),
    top_p: nullable(z.number().min(0).max(1)),
    seed: nullable(z.int()),
    stop: nullable(z.union([z.string(), z.array(z.string()).min(1).max(4)])),
    presence_penalty: nullable(z.number().min(-2).max(2)),
    frequency_penalty: nullable(z.number().min(-2).max(2)),
    response_format: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('text') }),
        z.strictObject({ type: z.literal('json_object') }),
        z.strictObject({
          type: z.literal('json_schema'),
          json_schema: z.strictObject({
            name: z.string().min(1).max(64),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
            strict: nullable(z.boolean()),
          }),
        }),
      ])
      .optional(),
    n: nullable(z.int().min(1)).openapi({ description: 'Only 1.' }),
    user: z.string().max(256).optional().openapi({ description: 'Accepted and ignored.' }),
    safety_identifier: z.string().max(256).optional().openapi({ description: 'Accepted and ignored.' }),
    metadata: nullable(z.record(z.string(), z.string())).openapi({ description: 'Accepted and ignored.' }),
    store: nullable(z.boolean()).openapi({ description: 'Only false: completions are not stored.' }),
    parallel_tool_calls: nullable(z.boolean()),
    tools: nullable(z.array(z.unknown())).openapi({ description: 'Not supported; only an empty list.' }),
    tool_choice: z.unknown().optional().openapi({ description: 'Only "none".' }),
    functions: z.array(z.unknown()).optional().openapi({ description: 'Not supported; only an empty list.' }),
    function_call: z.unknown().optional().openapi({ description: 'Only "none".' }),
    logprobs: nullable(z.boolean()).openapi({ description: 'Only false.' }),
    top_logprobs: nullable(z.int()).openapi({ description: 'Not supported.' }),
    logit_bias: nullable(z.record(z.string(), z.number())).openapi({ description: 'Only an empty map.' }),
    service_tier: nullable(z.enum(['auto', 'default', 'flex', 'scale', 'priority'])).openapi({
      description: 'Accepted and ignored: there is one tier.',
    }),
    prompt_cache_key: z.string().max(1024).optional().openapi({ description: 'Accepted and ignored.' }),
    modalities: nullable(z.array(z.enum(['text', 'audio']))).openapi({ description: 'Only ["text"].' }),
    // OpenAI parameters zerochat does not offer: refused by name below, not as unknown.
    reasoning_effort: z.unknown().optional().openapi({ description: 'Not supported.' }),
    verbosity: z.unknown().optional().openapi({ description: 'Not supported.' }),
    audio: z.unknown().optional().openapi({ description: 'Not supported.' }),
    prediction: z.unknown().optional().openapi({ description: 'Not supported.' }),
    web_search_options: z.unknown().optional().openapi({ description: 'Not supported.' }),
  })
  .openapi('ChatCompletionRequest');

export type CompletionRequest = z.output<typeof CompletionRequest>;

/** What a completion asks of Ollama, and how it is answered. */
export interface CompletionPlan {
  /** The model as the caller named it; resolved against the catalog by the route. */
  model: string;
  ollama: Omit<ChatRequest, 'model'>;
  stream: boolean;
  includeUsage: boolean;
}

const TOOLS = 'Tools (function calling) are not supported by zerochat.';

/** Refuses what zerochat cannot do, then maps the request to Ollama's; throws a 400 naming the parameter. */
export function planCompletion(body: CompletionRequest, maxTokens: number): CompletionPlan {
  if (body.n != null && body.n !== 1)
    throw unsupportedParameter('n', 'Only n: 1 is supported: one choice per request.');
  if (body.tools?.length || body.functions?.length)
    throw unsupportedParameter(body.tools ? 'tools' : 'functions', TOOLS);
  for (const param of ['tool_choice', 'function_call'] as const) {
    if (body[param] != null && body[param] !== 'none') throw unsupportedParameter(param, TOOLS);
  }
  if (body.logprobs || body.top_logprobs != null) {
    throw unsupportedParameter(body.logprobs ? 'logprobs' : 'top_logprobs', 'Log probabilities are not supported.');
  }
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) {
    throw unsupportedParameter('logit_bias', 'logit_bias is not supported.');
  }
  if (body.store) {
    throw unsupportedParameter(
      'store',
      'store: true is not supported: completions are not stored. Use /chat/conversations to keep a conversation.',
    );
  }
  for (const param of ['reasoning_effort', 'verbosity', 'audio', 'prediction', 'web_search_options'] as const) {
    if (body[param] != null) throw unsupportedParameter(param, `${param} is not supported by zerochat.`);
  }
  if (body.modalities?.includes('audio')) throw unsupportedParameter('modalities', 'Only text output is supported.');
  if (body.stream_options && !body.stream) {
    throw invalidValue('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  }

  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    ollama: {
      messages: body.messages.map(toOllamaMessage),
      options: modelOptions(body, maxTokens),
      ...formatOf(body.response_format),
    },
  };
}

function modelOptions(body: CompletionRequest, maxTokens: number): ModelOptions {
  const { max_tokens: legacy, max_completion_tokens: current } = body;
  if (legacy != null && current != null && legacy !== current) {
    throw invalidValue('max_tokens', 'max_tokens and max_completion_tokens differ; send max_completion_tokens only.');
  }
  const limit = current ?? legacy;
  if (limit != null && limit > maxTokens) {
    throw invalidValue(
      current != null ? 'max_completion_tokens' : 'max_tokens',
      `max_completion_tokens is too large: ${limit}. This installation allows at most ${maxTokens} completion tokens.`,
    );
  }
  const options: ModelOptions = { num_predict: limit ?? maxTokens };
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.top_p = body.top_p;
  if (body.seed != null) options.seed = body.seed;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.presence_penalty != null) options.presence_penalty = body.presence_penalty;
  if (body.frequency_penalty != null) options.frequency_penalty = body.frequency_penalty;
  return options;
}

function formatOf(format: CompletionRequest['response_format']): Pick<ChatRequest, 'format'> {
  if (format?.type === 'json_object') return { format: 'json' };
  if (format?.type === 'json_schema') return { format: format.json_schema.schema ?? 'json' };
  return {};
}

type RequestMessage = CompletionRequest['messages'][number];

function toOllamaMessage(message: RequestMessage, index: number): ChatMessage {
  const at = `messages[${index}]`;
  if (message.role === 'tool' || message.role === 'function') throw unsupportedParameter(`${at}.role`, TOOLS);
  if (message.role === 'assistant') {
    if (message.tool_calls?.length || message.function_call != null)
      throw unsupportedParameter(`${at}.tool_calls`, TOOLS);
    if (message.content == null) throw invalidValue(`${at}.content`, 'An assistant message needs content.');
  }
  const content = message.content as string | Array<{ type: string; text?: unknown }>;
  return {
    role: message.role === 'developer' ? 'system' : (message.role as ChatMessage['role']),
    content: typeof content === 'string' ? content : textOf(content, `${at}.content`),
  };
}

function textOf(parts: ReadonlyArray<{ type: string; text?: unknown }>, at: string): string {
  return parts
    .map((part, index) => {
      if (part.type !== 'text') {
        throw unsupportedParameter(`${at}[${index}]`, 'Images, audio and files are not supported: send text parts.');
      }
      return part.text as string;
    })
    .join('\n');
}
