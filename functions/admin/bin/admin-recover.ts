#!/usr/bin/env node
// The way back in when the admin password is lost or no admin is left:
//   MONGODB_URI=… npm run admin:recover -- --email ops@example.com
// Makes that account (created if missing) an enabled admin with a one-time temporary password,
// ends its sessions, and prints the password once; its next login sets a new one. It talks to
// MongoDB directly, so it needs the access an operator has (the host, or the cluster: see the
// Job in knative/jobs/admin-recover.yaml), never a public endpoint.
import { parseArgs } from 'node:util';
import { createAccounts, createPasswordHasher, DEFAULT_SESSION_LIFETIMES, normalizeEmail } from '@zerochat/accounts';
import { connectMongo, mongoEnv, parseConfig } from '@zerochat/runtime';
import { z } from 'zod';
import { recoverAdmin } from '../src/users/recover-admin.ts';

const USAGE = `usage: npm run admin:recover -- --email ADDRESS
  --email ADDRESS   the account to make an enabled admin (created when missing)
Reads MONGODB_URI and MONGODB_DB (default zerochat) from the environment.`;

function fail(message: string): never {
  process.stderr.write(`admin-recover: ${message}\n`);
  process.exit(1);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { email: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const email = z.email().safeParse(normalizeEmail(values.email ?? ''));
if (!email.success) fail(`--email must be an email address\n${USAGE}`);

const config = (() => {
  try {
    return parseConfig(z.object(mongoEnv), process.env);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const mongo = connectMongo({
  uri: config.MONGODB_URI,
  dbName: config.MONGODB_DB,
  timeoutMs: config.MONGODB_TIMEOUT_MS,
  appName: 'zerochat-admin-recover',
});
try {
  const accounts = createAccounts({
    db: mongo.db,
    hasher: createPasswordHasher(),
    sessions: DEFAULT_SESSION_LIFETIMES,
  });
  const recovery = await recoverAdmin(accounts, email.data);
  process.stdout.write(
    [
      `admin-recover: ${recovery.action === 'created' ? 'created' : 'restored'} the admin account ${recovery.user.email}; its sessions are ended`,
      `temporary password: ${recovery.temporaryPassword}`,
      'Log in with it and a new password of your own (POST /auth/login with "newPassword"); it works for nothing else.',
      '',
    ].join('\n'),
  );
} catch (error) {
  fail(`failed: ${(error as Error).message}`);
} finally {
  await mongo.close();
}
