import { ensureAccountIndexes } from '@zerochat/accounts';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestSigningKey, testSigningKey } from '../../../../test/support/keys.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AdminTestApp, adminTestApp } from '../../test/admin-harness.ts';

// A database of its own: the admins of each test are the only ones there are.
const database = useTestDatabase();
let key: TestSigningKey;
let admin: AdminTestApp;
const users = () => database.db.collection<UserDocument>(COLLECTIONS.users);
const enabledAdmins = () => users().countDocuments({ role: 'admin', disabled: false });

beforeAll(async () => {
  await ensureAccountIndexes(database.db);
  key = await testSigningKey();
  admin = adminTestApp(database.db, key, {});
});

const send = (method: string, path: string, token: string, body?: unknown) =>
  admin.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Two admins and nobody else with admin rights. */
async function twoAdmins() {
  await users().updateMany({ role: 'admin' }, { $set: { role: 'user' } });
  return [await admin.userWithToken('admin'), await admin.userWithToken('admin')] as const;
}

describe('the last enabled admin', () => {
  it.each([
    ['disable', (id: string) => ['PATCH', `/admin/users/${id}`, { disabled: true }] as const],
    ['demote', (id: string) => ['PATCH', `/admin/users/${id}`, { role: 'user' }] as const],
    ['delete', (id: string) => ['DELETE', `/admin/users/${id}`, undefined] as const],
  ])('survives two admins who %s each other at the same moment, round after round', async (_name, action) => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await twoAdmins();
      const pairs = [
        [a, b],
        [b, a],
      ] as const;
      const answers = await Promise.all(
        pairs.map(([actor, target]) => {
          const [method, path, body] = action(target.user._id.toHexString());
          return send(method, path, actor.token, body);
        }),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      // One wins; the other finds itself without rights (403) or the last one standing (409).
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      expect(await enabledAdmins()).toBe(1);
    }
  });

  it('can never be demoted, disabled or deleted, by anyone', async () => {
    const [last, other] = await twoAdmins();
    expect(
      (await send('PATCH', `/admin/users/${other.user._id.toHexString()}`, last.token, { disabled: true })).status,
    ).toBe(200);
    // The last admin's own account is refused as own_account; once another admin exists, it can go.
    for (const [method, body] of [
      ['PATCH', { role: 'user' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const answer = await send(method, `/admin/users/${last.user._id.toHexString()}`, last.token, body);
      expect(answer.status).toBe(403);
    }
    expect(await enabledAdmins()).toBe(1);
  });
});
