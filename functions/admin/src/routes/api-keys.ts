import { createRoute, z } from '@hono/zod-openapi';
import { ApiKeyViewSchema, apiKeyView, IdString, parseObjectId } from '@zerochat/accounts';
import { type FunctionApp, jsonResponse, notFound, problem } from '@zerochat/runtime';
import type { ObjectId } from 'mongodb';
import type { AdminContext } from '../admin-context.ts';
import { adminAuthProblems, NO_STORE, secured } from './schemas.ts';
import { IdParam } from './users.ts';

const KeyParams = IdParam.extend({ keyId: IdString.openapi({ param: { name: 'keyId', in: 'path' } }) });

const listKeys = createRoute({
  method: 'get',
  path: '/admin/users/{id}/api-keys',
  tags: ['users'],
  summary: "A user's API keys, newest first, with their last use and usage",
  ...secured,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ apiKeys: z.array(ApiKeyViewSchema) }).openapi('UserApiKeys'), "The user's keys"),
    400: problem('Invalid id (validation_failed)'),
    ...adminAuthProblems,
    404: problem('No such user (not_found)'),
  },
});

const revokeKey = createRoute({
  method: 'delete',
  path: '/admin/users/{id}/api-keys/{keyId}',
  tags: ['users'],
  summary: "Revoke a user's API key: it is refused everywhere within seconds",
  ...secured,
  request: { params: KeyParams },
  responses: {
    204: { description: 'Revoked' },
    400: problem('Invalid id (validation_failed)'),
    ...adminAuthProblems,
    404: problem('No such user, or no such key of theirs (not_found)'),
  },
});

export function addApiKeyRoutes(app: FunctionApp, services: AdminContext): void {
  const { users, apiKeys } = services;
  const userOf = async (id: string): Promise<ObjectId> => {
    const user = await users.findById(id);
    if (!user) throw notFound('No user with this id.');
    return user._id;
  };

  app.openapi({ ...listKeys, middleware: services.requireAdmin }, async (c) => {
    const keys = await apiKeys.list(await userOf(c.req.valid('param').id));
    return c.json({ apiKeys: keys.map(apiKeyView) }, 200, NO_STORE);
  });

  app.openapi({ ...revokeKey, middleware: services.requireAdmin }, async (c) => {
    const { id, keyId } = c.req.valid('param');
    const revoked = await apiKeys.revoke(await userOf(id), parseObjectId(keyId) as ObjectId);
    if (!revoked) throw notFound('This user has no API key with this id.');
    c.get('log').info('API key revoked by an admin', { userId: id, keyId, by: c.get('principal').userId });
    return c.body(null, 204);
  });
}
