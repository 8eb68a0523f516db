import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonResponse, problem } from '@zerochat/runtime';
import { authProblems, secured } from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';

const Model = z
  .object({
    name: z.string().openapi({ example: 'llama3.2:1b' }),
    default: z.boolean().openapi({ description: 'Conversations that name no model use this one.' }),
    loaded: z.boolean().openapi({ description: 'In memory now: a reply starts without loading the model.' }),
    family: z.string().nullable(),
    parameterSize: z.string().nullable(),
    quantization: z.string().nullable(),
    sizeBytes: z.number().int(),
    modifiedAt: z.iso.datetime().nullable(),
  })
  .openapi('Model');

const ModelList = z
  .object({
    defaultModel: z.string(),
    models: z.array(Model).openapi({ description: 'The default model first, then by name.' }),
  })
  .openapi('ModelList');

const listModels = createRoute({
  method: 'get',
  path: '/chat/models',
  tags: ['models'],
  summary: 'The models you may chat with, as Ollama has them now',
  ...secured,
  responses: {
    200: jsonResponse(ModelList, 'Installed models the configuration allows'),
    401: authProblems[401],
    503: problem('Ollama cannot be reached (upstream_unavailable)'),
  },
});

export function addModelRoutes(app: FunctionApp, chat: ChatContext): void {
  app.openapi(listModels, async (c) => {
    const defaultModel = chat.catalog.defaultModel;
    const models = (await chat.catalog.available(c.get('log')))
      .map((model) => ({ ...model, default: model.name === defaultModel }))
      .sort((a, b) => Number(b.default) - Number(a.default) || a.name.localeCompare(b.name));
    return c.json({ defaultModel, models }, 200);
  });
}
