import { createRoute, z } from '@hono/zod-openapi';
import { ApiKeyViewSchema, apiKeyView, IdString, MAX_API_KEYS_PER_USER, parseObjectId } from '@zerochat/accounts';
import { type FunctionApp, jsonBody, jsonResponse, problem, requireAccessToken } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import type { AuthContext } from '../auth-context.ts';
import { apiKeyLimitReached, apiKeyNotFound } from '../problems.ts';
import { NO_STORE } from './schemas.ts';

const KeyName = z.string().trim().min(1, 'must not be empty').max(100).openapi({ example: 'Open WebUI on my laptop' });

const NewApiKeyBody = z.strictObject({
  name: KeyName,
  expiresInDays: z.int().min(1).max(3650).optional().openapi({
    description: 'The key stops working this many days from now; without it, the key never expires.',
  }),
});

const CreatedApiKey = z
  .object({
    key: z.string().openapi({
      example: 'zc-3q2-7Yb1lK9mX0TzQe8r5VwJdHf4NpUaC6sGkLoRiEy',
      description: 'The key, shown this once: send it as "Authorization: Bearer <key>" to /v1.',
    }),
    apiKey: ApiKeyViewSchema,
  })
  .openapi('CreatedApiKey');

const KeyIdParam = z.strictObject({ id: IdString.openapi({ param: { name: 'id', in: 'path' } }) });

const secured = { security: [{ bearerAuth: [] }] };
const tokenProblems = {
  401: problem('No valid access token (an API key cannot manage keys)'),
} as const;

const createKey = createRoute({
  method: 'post',
  path: '/auth/api-keys',
  tags: ['api keys'],
  summary: 'Create an API key for the OpenAI-compatible API; the key is shown once',
  ...secured,
  request: { body: jsonBody(NewApiKeyBody) },
  responses: {
    201: jsonResponse(CreatedApiKey, 'The key (this once) and how it is listed'),
    400: problem('Invalid body (validation_failed, malformed_json)'),
    ...tokenProblems,
    409: problem(`You hold ${MAX_API_KEYS_PER_USER} keys already (api_key_limit_reached); revoke one first`),
  },
});

const listKeys = createRoute({
  method: 'get',
  path: '/auth/api-keys',
  tags: ['api keys'],
  summary: 'Your API keys, newest first, with their last use and usage',
  ...secured,
  responses: {
    200: jsonResponse(z.object({ apiKeys: z.array(ApiKeyViewSchema) }).openapi('ApiKeyList'), 'Your keys'),
    ...tokenProblems,
  },
});

const renameKey = createRoute({
  method: 'patch',
  path: '/auth/api-keys/{id}',
  tags: ['api keys'],
  summary: 'Rename one of your API keys',
  ...secured,
  request: { params: KeyIdParam, body: jsonBody(z.strictObject({ name: KeyName })) },
  responses: {
    200: jsonResponse(ApiKeyViewSchema, 'The key as renamed'),
    400: problem('Invalid id or body (validation_failed, malformed_json)'),
    ...tokenProblems,
    404: problem('No such key of yours (api_key_not_found)'),
  },
});

const revokeKey = createRoute({
  method: 'delete',
  path: '/auth/api-keys/{id}',
  tags: ['api keys'],
  summary: 'Revoke one of your API keys: it is refused everywhere within seconds',
  ...secured,
  request: { params: KeyIdParam },
  responses: {
    204: { description: 'Revoked' },
    400: problem('Invalid id (validation_failed)'),
    ...tokenProblems,
    404: problem('No such key of yours (api_key_not_found)'),
  },
});

const DAY_MS = 24 * 3600 * 1000;

/** The routes by which people manage their own API keys; only an access token reaches them. */
export function addApiKeyRoutes(app: FunctionApp, services: AuthContext, now: () => Date): void {
  const { apiKeys } = services.accounts;
  const authenticated = requireAccessToken(services.verifyAccessToken);
  const owner = (userId: string) => new ObjectId(userId);
  const keyId = (id: string) => parseObjectId(id) as ObjectId;

  app.openapi({ ...createKey, middleware: [authenticated] }, async (c) => {
    const { name, expiresInDays } = c.req.valid('json');
    await services.accounts.indexesReady();
    const expiresAt = expiresInDays === undefined ? null : new Date(now().getTime() + expiresInDays * DAY_MS);
    const issued = await apiKeys.create(owner(c.get('principal').userId), { name, expiresAt });
    if (issued === 'limit_reached') throw apiKeyLimitReached(MAX_API_KEYS_PER_USER);
    return c.json({ key: issued.key, apiKey: apiKeyView(issued.document) }, 201, NO_STORE);
  });

  app.openapi({ ...listKeys, middleware: [authenticated] }, async (c) => {
    const keys = await apiKeys.list(owner(c.get('principal').userId));
    return c.json({ apiKeys: keys.map(apiKeyView) }, 200, NO_STORE);
  });

  app.openapi({ ...renameKey, middleware: [authenticated] }, async (c) => {
    const renamed = await apiKeys.rename(
      owner(c.get('principal').userId),
      keyId(c.req.valid('param').id),
      c.req.valid('json').name,
    );
    if (!renamed) throw apiKeyNotFound();
    return c.json(apiKeyView(renamed), 200, NO_STORE);
  });

  app.openapi({ ...revokeKey, middleware: [authenticated] }, async (c) => {
    if (!(await apiKeys.revoke(owner(c.get('principal').userId), keyId(c.req.valid('param').id)))) {
      throw apiKeyNotFound();
    }
    return c.body(null, 204);
  });
}
