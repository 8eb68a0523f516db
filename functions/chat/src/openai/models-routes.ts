import { createRoute, z } from '@hono/zod-openapi';
import { canonicalModelName } from '@zerochat/ollama';
import { type FunctionApp, jsonResponse } from '@zerochat/runtime';
import type { ChatContext } from '../chat-context.ts';
import type { InstalledModel } from '../model-server.ts';
import { credentialErrors, keyOrToken, openAiErrorResponse } from './api-schemas.ts';
import type { KeyUsage } from './key-usage.ts';
import { modelNotFound } from './openai-errors.ts';

const OpenAiModel = z
  .object({
    id: z.string().openapi({ example: 'llama3.2:1b' }),
    object: z.literal('model'),
    created: z.number().int().openapi({ description: 'When Ollama got the model, in Unix seconds (0: unknown).' }),
    owned_by: z.string().openapi({ example: 'zerochat' }),
  })
  .openapi('OpenAIModel');

const listModels = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['openai'],
  summary: 'The models you may use (OpenAI-compatible): the same list as /chat/models',
  ...keyOrToken,
  responses: {
    200: jsonResponse(z.object({ object: z.literal('list'), data: z.array(OpenAiModel) }), 'The models'),
    ...credentialErrors,
    503: openAiErrorResponse('Ollama cannot be reached (upstream_unavailable)'),
  },
});

const retrieveModel = createRoute({
  method: 'get',
  path: '/v1/models/{model}',
  tags: ['openai'],
  summary: 'One model you may use (OpenAI-compatible)',
  ...keyOrToken,
  request: {
    params: z.strictObject({
      model: z
        .string()
        .min(1)
        .max(200)
        .openapi({ param: { name: 'model', in: 'path' } }),
    }),
  },
  responses: {
    200: jsonResponse(OpenAiModel, 'The model'),
    ...credentialErrors,
    404: openAiErrorResponse('No such model, or not one you may use (model_not_found)'),
    503: openAiErrorResponse('Ollama cannot be reached (upstream_unavailable)'),
  },
});

const asOpenAiModel = (model: InstalledModel) => ({
  id: model.name,
  object: 'model' as const,
  created: model.modifiedAt ? Math.floor(Date.parse(model.modifiedAt) / 1000) : 0,
  owned_by: 'zerochat',
});

export function addOpenAiModelRoutes(app: FunctionApp, chat: ChatContext, usage: KeyUsage): void {
  const counted = (keyId: string | undefined) => keyId && void chat.lifecycle.track(usage.record(keyId));

  app.openapi(listModels, async (c) => {
    const models = await chat.catalog.available(c.get('log'));
    const defaultModel = chat.catalog.defaultModel;
    // The default first, as at /chat/models: a client that takes the first model gets it.
    models.sort(
      (a, b) => Number(b.name === defaultModel) - Number(a.name === defaultModel) || a.name.localeCompare(b.name),
    );
    counted(c.get('principal').apiKeyId);
    return c.json({ object: 'list' as const, data: models.map(asOpenAiModel) }, 200);
  });

  app.openapi(retrieveModel, async (c) => {
    const name = canonicalModelName(c.req.valid('param').model);
    const model = (await chat.catalog.available(c.get('log'))).find((installed) => installed.name === name);
    if (!model) throw modelNotFound(name);
    counted(c.get('principal').apiKeyId);
    return c.json(asOpenAiModel(model), 200);
  });
}
