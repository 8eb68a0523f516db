import { randomUUID } from 'node:crypto';
import { COLLECTIONS, type UserDocument } from '@zerochat/data';
import { registerTinyModel } from '@zerochat/local-services';
import { createLifecycle, type FunctionApp } from '@zerochat/runtime';
import { type Db, ObjectId } from 'mongodb';
import { captureLog } from '../../../test/support/capture-log.ts';
import {
  liveTestSession,
  signAccessToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestSigningKey,
} from '../../../test/support/keys.ts';
import { type AdminDeps, createApp } from '../src/app.ts';
import type { BaseModelSource } from '../src/bootstrap/ollama-models.ts';
import type { AdminSettings } from '../src/config.ts';
import { testAdminSettings, zerochatModelfile } from './admin-settings.ts';

/** A base model source that registers the tiny model instead of pulling; it counts its calls. */
export function tinyBaseModel(ollamaHost: string): BaseModelSource & { calls: string[] } {
  const calls: string[] = [];
  const source = async (model: string) => {
    calls.push(model);
    // The tiny test model under the base model's name: tests cannot pull one.
    await registerTinyModel(ollamaHost, model);
  };
  return Object.assign(source, { calls });
}

/** Model names of their own, so test files sharing one Ollama never see each other's models. */
export function uniqueModelNames(): { ZEROCHAT_MODEL: string; ZEROCHAT_BASE_MODEL: string } {
  const suffix = randomUUID().slice(0, 8);
  return { ZEROCHAT_MODEL: `zerochat-test-${suffix}:latest`, ZEROCHAT_BASE_MODEL: `zc-base-${suffix}:latest` };
}

export interface AdminTestApp {
  app: FunctionApp;
  config: AdminSettings;
  lines: Array<Record<string, unknown>>;
  /** An access token for `user`, as auth would sign it. */
  tokenFor(user: Pick<UserDocument, '_id' | 'role'>): Promise<string>;
  /** Inserts an enabled user of `role` (no usable password) and answers it with a token. */
  userWithToken(role: UserDocument['role'], email?: string): Promise<{ user: UserDocument; token: string }>;
}

/** The admin app on `db` with test settings; `deps` replace the defaults (Kong, Knative, ...). */
export function adminTestApp(
  db: Db,
  key: TestSigningKey,
  env: Record<string, string>,
  deps: Partial<Omit<AdminDeps, 'config' | 'mongo' | 'log' | 'lifecycle'>> = {},
): AdminTestApp {
  const config = testAdminSettings([key.publicJwk], { AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE, ...env });
  const { log, lines } = captureLog();
  const app = createApp({
    config,
    log,
    lifecycle: createLifecycle(),
    mongo: { db, ping: async () => undefined },
    modelfile: zerochatModelfile(),
    ...deps,
  });
  const tokenFor = async (user: Pick<UserDocument, '_id' | 'role'>) => {
    await liveTestSession(db);
    return signAccessToken(key, { claims: { sub: user._id.toHexString(), role: user.role } });
  };
  return {
    app,
    config,
    lines,
    tokenFor,
    async userWithToken(role, email = `${role}-${randomUUID().slice(0, 8)}@example.com`) {
      const at = new Date();
      const user: UserDocument = {
        _id: new ObjectId(),
        email,
        passwordHash: 'not a hash: this account cannot log in',
        displayName: null,
        role,
        disabled: false,
        createdAt: at,
        updatedAt: at,
      };
      await db.collection<UserDocument>(COLLECTIONS.users).insertOne(user);
      return { user, token: await tokenFor(user) };
    },
  };
}
