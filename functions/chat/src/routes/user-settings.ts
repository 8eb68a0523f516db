import { createRoute, z } from '@hono/zod-openapi';
import { type FunctionApp, jsonBody, jsonResponse, problem } from '@zerochat/runtime';
import { authProblems, boundedText, secured, userIdOf } from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import type { ChatSettings } from '../config.ts';
import { generationOptions } from '../generation-options.ts';
import type { UserDefaults } from '../user-settings.ts';

/** Both routes at once: they share the named `UserSettings` schema, whose bounds are configured. */
function userSettingsRoutes(settings: ChatSettings) {
  const Options = generationOptions(settings);
  const UserSettings = z
    .object({
      model: z.string().nullable().openapi({ description: 'The model of new conversations; null: the default model.' }),
      systemPrompt: z
        .string()
        .nullable()
        .openapi({ description: 'The system prompt of new conversations that set none; null: none.' }),
      options: Options,
      updatedAt: z.iso.datetime().nullable().openapi({ description: 'null until they are first set.' }),
    })
    .openapi('UserSettings');

  const getSettings = createRoute({
    method: 'get',
    path: '/chat/settings',
    tags: ['settings'],
    summary: 'Your defaults: model and system prompt of new conversations, model options of replies',
    ...secured,
    responses: { 200: jsonResponse(UserSettings, 'Your defaults (empty until set)'), ...authProblems },
  });

  const putSettings = createRoute({
    method: 'put',
    path: '/chat/settings',
    tags: ['settings'],
    summary: 'Replace your defaults',
    description:
      'A conversation created without a model or system prompt gets these; a message without an option gets the one set here. A field left out is reset.',
    ...secured,
    request: {
      body: jsonBody(
        z.strictObject({
          model: z.string().min(1).max(200).nullable().optional(),
          systemPrompt: boundedText(settings.CHAT_MAX_MESSAGE_BYTES).nullable().optional(),
          options: Options.optional(),
        }),
      ),
    },
    responses: {
      200: jsonResponse(UserSettings, 'Your defaults as stored'),
      ...authProblems,
      404: problem('The model is not available (model_not_found)'),
      503: problem('Ollama cannot be reached to check the model (upstream_unavailable)'),
    },
  });

  return { getSettings, putSettings };
}

function settingsJson(defaults: UserDefaults) {
  return {
    model: defaults.model,
    systemPrompt: defaults.systemPrompt,
    options: defaults.options,
    updatedAt: defaults.updatedAt?.toISOString() ?? null,
  };
}

export function addUserSettingsRoutes(app: FunctionApp, chat: ChatContext): void {
  const { getSettings, putSettings } = userSettingsRoutes(chat.settings);

  app.openapi(getSettings, async (c) =>
    c.json(settingsJson(await chat.userSettings.get(userIdOf(c.get('principal')))), 200),
  );

  app.openapi(putSettings, async (c) => {
    const userId = userIdOf(c.get('principal'));
    const body = c.req.valid('json');
    const model = body.model ? await chat.catalog.resolve(body.model, c.get('log')) : null;
    const stored = await chat.userSettings.put(userId, {
      model,
      systemPrompt: body.systemPrompt || null,
      options: body.options ?? {},
    });
    return c.json(settingsJson(stored), 200);
  });
}
