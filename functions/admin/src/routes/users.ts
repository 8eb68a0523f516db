import { createRoute, z } from '@hono/zod-openapi';
import {
  EMAIL_MAX_LENGTH,
  generatePassword,
  IdString,
  NewEmail,
  NewPassword,
  USER_CURSOR,
  UserViewSchema,
  userView,
} from '@zerochat/accounts';
import type { UserDocument } from '@zerochat/data';
import {
  conflict,
  type FunctionApp,
  jsonBody,
  jsonResponse,
  notFound,
  problem,
  ROLES,
  validationFailed,
} from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import type { AdminContext } from '../admin-context.ts';
import { ownAccount } from '../problems.ts';
import { adminAuthProblems, NO_STORE, secured } from './schemas.ts';

export const IdParam = z.strictObject({ id: IdString.openapi({ param: { name: 'id', in: 'path' } }) });

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

const NewUser = z.strictObject({
  email: NewEmail,
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES).default('user'),
  password: NewPassword.optional().openapi({
    description: 'Checked against the password policy. Without it, a temporary password is generated and answered.',
  }),
});

const CreatedUser = z
  .object({
    user: UserViewSchema,
    temporaryPassword: z.string().nullable().openapi({
      description:
        'The generated password, shown this once (null when one was given). The user must change it at the first login.',
    }),
  })
  .openapi('CreatedUser');

const PasswordReset = z
  .object({
    user: UserViewSchema,
    temporaryPassword: z.string().openapi({ description: 'Shown this once; it only lets the user set a new one.' }),
  })
  .openapi('PasswordReset');

const RemovedData = z
  .object({
    removed: z
      .record(z.string(), z.number().int())
      .openapi({ description: "Documents deleted, by collection: the account and everything of the user's." }),
  })
  .openapi('RemovedUserData');

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

const createUser = createRoute({
  method: 'post',
  path: '/admin/users',
  tags: ['users'],
  summary: 'Create an account; its user sets their own password at the first login',
  ...secured,
  request: { body: jsonBody(NewUser) },
  responses: {
    201: jsonResponse(CreatedUser, 'The account, and its temporary password when one was generated'),
    400: problem('Invalid body, or a password the policy refuses (validation_failed)'),
    ...adminAuthProblems,
    409: problem('The email address is taken (conflict)'),
  },
});

const LAST_ADMIN =
  'The last enabled admin can never be demoted, disabled or deleted (409 last_admin), also when two admins act on each other at the same moment.';

const changeUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  tags: ['users'],
  summary: "Change a user's role or disable (enable) the account",
  description: `An admin cannot demote or disable their own account (403 own_account). ${LAST_ADMIN} Disabling ends every session of the user: their access tokens stop working within seconds everywhere.`,
  ...secured,
  request: { params: IdParam, body: jsonBody(UserChanges) },
  responses: {
    200: jsonResponse(UserViewSchema, 'The user as changed'),
    400: problem('Invalid id or body (validation_failed, malformed_json)'),
    401: adminAuthProblems[401],
    403: problem('Not an enabled admin (forbidden), or your own account (own_account)'),
    404: problem('No such user (not_found)'),
    409: problem('The last enabled admin (last_admin), or another admin change in progress (conflict)'),
  },
});

const resetPassword = createRoute({
  method: 'post',
  path: '/admin/users/{id}/password-reset',
  tags: ['users'],
  summary: 'Replace the password with a one-time temporary one, end every session, and make the user choose a new one',
  description:
    'zerochat sends no email: hand the temporary password to the user. It only lets them log in with a new password (POST /auth/login with newPassword).',
  ...secured,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(PasswordReset, 'The temporary password, shown this once'),
    400: problem('Invalid id (validation_failed)'),
    401: adminAuthProblems[401],
    403: problem('Not an enabled admin (forbidden), or your own account (own_account)'),
    404: problem('No such user (not_found)'),
  },
});

const deleteUser = createRoute({
  method: 'delete',
  path: '/admin/users/{id}',
  tags: ['users'],
  summary: "Delete an account with everything of the user's: sessions, conversations, messages and the rest",
  description: `An admin cannot delete their own account (403 own_account). ${LAST_ADMIN}`,
  ...secured,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(RemovedData, 'What was removed, by collection'),
    400: problem('Invalid id (validation_failed)'),
    401: adminAuthProblems[401],
    403: problem('Not an enabled admin (forbidden), or your own account (own_account)'),
    404: problem('No such user (not_found)'),
    409: problem('The last enabled admin (last_admin), or another admin change in progress (conflict)'),
  },
});

export function addUserRoutes(app: FunctionApp, services: AdminContext): void {
  const { users, sessions, roster } = services;

  /** The user an admin acts on, never their own account for what would lock them out. */
  async function targetOf(id: string, actor: string, refuseOwn: boolean): Promise<UserDocument> {
    const target = await users.findById(id);
    if (!target) throw notFound('No user with this id.');
    if (refuseOwn && target._id.equals(actor)) throw ownAccount();
    return target;
  }
  const holdsAdminRights = (user: UserDocument) => user.role === 'admin' && !user.disabled;

  app.openapi({ ...listUsers, middleware: services.requireAdmin }, async (c) => {
    const { limit, cursor, email } = c.req.valid('query');
    if (email !== undefined) {
      const user = await users.findByEmail(email);
      return c.json({ users: user ? [userView(user)] : [], nextCursor: null }, 200, NO_STORE);
    }
    const page = await users.list({ limit, ...(cursor ? { after: cursor } : {}) });
    return c.json({ users: page.users.map(userView), nextCursor: page.next ?? null }, 200, NO_STORE);
  });

  app.openapi({ ...createUser, middleware: services.requireAdmin }, async (c) => {
    const { email, displayName, role, password } = c.req.valid('json');
    await services.indexesReady();
    const temporaryPassword = password === undefined ? generatePassword() : null;
    const registration = await users.register({
      email,
      password: password ?? (temporaryPassword as string),
      displayName: displayName ?? null,
      role,
      mustChangePassword: true,
    });
    if (!registration.ok) {
      throw registration.reason === 'password_rejected'
        ? validationFailed([{ in: 'body', pointer: '/password', detail: `The password ${registration.detail}.` }])
        : conflict('An account with this email address exists already.');
    }
    c.get('log').info('user created by an admin', {
      userId: registration.user._id.toHexString(),
      role,
      by: c.get('principal').userId,
    });
    return c.json({ user: userView(registration.user), temporaryPassword }, 201, NO_STORE);
  });

  app.openapi({ ...changeUser, middleware: services.requireAdmin }, async (c) => {
    const { id } = c.req.valid('param');
    const changes = c.req.valid('json');
    const actor = c.get('principal').userId;
    const takesRights = changes.role === 'user' || changes.disabled === true;
    const target = await targetOf(id, actor, takesRights);
    const apply = async () => {
      const updated = await users.update(id, changes);
      if (!updated) throw notFound('No user with this id.');
      return updated;
    };
    const updated =
      takesRights && holdsAdminRights(target)
        ? await roster.removeAdminRights(new ObjectId(actor), target._id, apply)
        : await apply();
    if (changes.disabled === true) await sessions.revokeAllForUser(updated._id);
    c.get('log').info('user changed by an admin', { userId: id, by: actor, changes });
    return c.json(userView(updated), 200, NO_STORE);
  });

  app.openapi({ ...resetPassword, middleware: services.requireAdmin }, async (c) => {
    const { id } = c.req.valid('param');
    const actor = c.get('principal').userId;
    await targetOf(id, actor, true);
    const reset = await users.resetPassword(id);
    if (!reset) throw notFound('No user with this id.');
    await sessions.revokeAllForUser(reset.user._id);
    c.get('log').info('password reset by an admin', { userId: id, by: actor });
    return c.json({ user: userView(reset.user), temporaryPassword: reset.temporaryPassword }, 200, NO_STORE);
  });

  app.openapi({ ...deleteUser, middleware: services.requireAdmin }, async (c) => {
    const { id } = c.req.valid('param');
    const actor = c.get('principal').userId;
    const target = await targetOf(id, actor, true);
    // An admin is first disabled under the roster's lock, so the last one cannot go.
    if (holdsAdminRights(target)) {
      await roster.removeAdminRights(new ObjectId(actor), target._id, () => users.update(id, { disabled: true }));
    }
    const removed = await services.deleteUserData(target._id);
    c.get('log').info('user deleted by an admin', { userId: id, by: actor, removed });
    return c.json({ removed }, 200, NO_STORE);
  });
}
