import { createRoute, z } from '@hono/zod-openapi';
import { EMAIL_MAX_LENGTH, normalizeEmail, USER_CURSOR, UserViewSchema, userView } from '@zerochat/accounts';
import { type FunctionApp, jsonBody, jsonResponse, notFound, problem, ROLES } from '@zerochat/runtime';
import type { AdminServices } from '../app.ts';
import { managedAdmin, ownAccount } from '../problems.ts';
import { adminAuthProblems, NO_STORE, secured } from './schemas.ts';

const IdParam = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id')
    .openapi({ param: { name: 'id', in: 'path' }, example: '6650c0ffee0123456789abcd' }),
});

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Users per page (1 to 100).' }),
  cursor: z
    .string()
    .regex(USER_CURSOR, 'must be the nextCursor of a previous page')
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page.' }),
  email: z
    .string()
    .trim()
    .min(1)
    .max(EMAIL_MAX_LENGTH)
    .optional()
    .openapi({ description: 'Only the user with this email address.' }),
});

const UserPage = z
  .object({
    users: z.array(UserViewSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .openapi('UserPage');

const UserChanges = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional().openapi({ description: 'Disabling also ends every session of the user.' }),
  })
  .refine((changes) => changes.role !== undefined || changes.disabled !== undefined, {
    message: 'Change role, disabled or both.',
  });

const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  tags: ['users'],
  summary: 'Users, newest first, a page at a time',
  ...secured,
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(UserPage, 'A page of users'),
    400: problem('Invalid query (validation_failed)'),
    ...adminAuthProblems,
  },
});

const changeUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  tags: ['users'],
  summary: "Change a user's role or disable (enable) the account",
  description:
    'An admin cannot demote or disable their own account (403 own_account), so an installation always keeps an enabled admin. The account named by BOOTSTRAP_ADMIN_EMAIL cannot be demoted (409 managed_admin: every bootstrap would promote it again), but it can be disabled. Disabling ends every session of the user at once; access tokens already issued end with their lifetime, except at the admin API, which checks the account on every request.',
  ...secured,
  request: { params: IdParam, body: jsonBody(UserChanges) },
  responses: {
    200: jsonResponse(UserViewSchema, 'The user as changed'),
    400: problem('Invalid id or body (validation_failed, malformed_json)'),
    401: adminAuthProblems[401],
    403: problem('Not an enabled admin (forbidden), or your own account (own_account)'),
    404: problem('No such user (not_found)'),
    409: problem('The account of BOOTSTRAP_ADMIN_EMAIL cannot be demoted (managed_admin)'),
  },
});

export function addUserRoutes(app: FunctionApp, services: AdminServices): void {
  const { users, sessions } = services;

  app.openapi({ ...listUsers, middleware: services.requireAdmin }, async (c) => {
    const { limit, cursor, email } = c.req.valid('query');
    if (email !== undefined) {
      const user = await users.findByEmail(email);
      return c.json({ users: user ? [userView(user)] : [], nextCursor: null }, 200, NO_STORE);
    }
    const page = await users.list({ limit, ...(cursor ? { after: cursor } : {}) });
    return c.json({ users: page.users.map(userView), nextCursor: page.next ?? null }, 200, NO_STORE);
  });

  app.openapi({ ...changeUser, middleware: services.requireAdmin }, async (c) => {
    const { id } = c.req.valid('param');
    const changes = c.req.valid('json');
    const target = await users.findById(id);
    if (!target) throw notFound('No user with this id.');
    const demotes = changes.role === 'user' && target.role === 'admin';
    if ((demotes || changes.disabled === true) && target._id.equals(c.get('principal').userId)) throw ownAccount();
    if (demotes && services.bootstrapAdminEmail === normalizeEmail(target.email)) throw managedAdmin();
    const updated = await users.update(id, changes);
    if (!updated) throw notFound('No user with this id.');
    if (changes.disabled === true) await sessions.revokeAllForUser(updated._id);
    c.get('log').info('user changed by an admin', {
      userId: id,
      by: c.get('principal').userId,
      changes,
    });
    return c.json(userView(updated), 200, NO_STORE);
  });
}
