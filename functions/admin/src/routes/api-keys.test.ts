import { apiKeyView, createApiKeyStore } from '@zerochat/accounts';
import { type ApiKeyDocument, COLLECTIONS } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { testSigningKey } from '../../../../test/support/keys.ts';
import { useTestDatabase } from '../../../../test/support/test-services.ts';
import { type AdminTestApp, adminTestApp } from '../../test/admin-harness.ts';

const database = useTestDatabase();
let admin: AdminTestApp;
let rootToken: string;
const keys = () =>
  createApiKeyStore({ collection: database.db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys), now: () => new Date() });

beforeAll(async () => {
  admin = adminTestApp(database.db, await testSigningKey(), {});
  rootToken = (await admin.userWithToken('admin')).token;
});

const call = (method: string, path: string, token = rootToken) =>
  admin.app.request(path, { method, headers: { authorization: `Bearer ${token}` } });

describe("an admin and a user's API keys", () => {
  it("lists another user's keys, without the keys themselves", async () => {
    const { user } = await admin.userWithToken('user');
    const older = await keys().create(user._id, { name: 'script', expiresAt: null });
    const newer = await keys().create(user._id, { name: 'editor', expiresAt: new Date(Date.now() + 86_400_000) });
    if (older === 'limit_reached' || newer === 'limit_reached') throw new Error('no key made');

    const listed = await call('GET', `/admin/users/${user._id.toHexString()}/api-keys`);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(JSON.parse(text)).toEqual({ apiKeys: [apiKeyView(newer.document), apiKeyView(older.document)] });
    expect(text).not.toContain(older.key.slice(3));
    expect(text).not.toContain(older.document.keyHash);
  });

  it("revokes another user's key, and only that user's", async () => {
    const { user } = await admin.userWithToken('user');
    const { user: other } = await admin.userWithToken('user');
    const issued = await keys().create(user._id, { name: 'leaked', expiresAt: null });
    if (issued === 'limit_reached') throw new Error('no key made');
    const keyPath = (owner: ObjectId) =>
      `/admin/users/${owner.toHexString()}/api-keys/${issued.document._id.toHexString()}`;

    const wrongOwner = await call('DELETE', keyPath(other._id));
    expect(wrongOwner.status).toBe(404);
    expect(await keys().list(user._id)).toHaveLength(1);

    expect((await call('DELETE', keyPath(user._id))).status).toBe(204);
    expect(await keys().list(user._id)).toEqual([]);
    expect(admin.lines).toContainEqual(
      expect.objectContaining({ msg: 'API key revoked by an admin', keyId: issued.document._id.toHexString() }),
    );
    expect((await call('DELETE', keyPath(user._id))).status).toBe(404);
  });

  it('never takes an API key, not even an admin’s', async () => {
    const { user } = await admin.userWithToken('admin');
    const issued = await keys().create(user._id, { name: 'admin key', expiresAt: null });
    if (issued === 'limit_reached') throw new Error('no key made');
    for (const path of ['/admin/users', '/admin/status', `/admin/users/${user._id.toHexString()}/api-keys`]) {
      expect((await call('GET', path, issued.key)).status, path).toBe(401);
    }
  });

  it('is for admins only, and needs a user that exists', async () => {
    const { user, token } = await admin.userWithToken('user');
    expect((await call('GET', `/admin/users/${user._id.toHexString()}/api-keys`, token)).status).toBe(403);
    expect((await call('GET', `/admin/users/${new ObjectId().toHexString()}/api-keys`)).status).toBe(404);
  });
});
