import type { UserStore } from '@zerochat/accounts';
import type { BootstrapStep } from './bootstrap.ts';
import { describeFailure } from './failure.ts';

export interface AdminAccountOptions {
  users: UserStore;
  /** BOOTSTRAP_ADMIN_EMAIL; without it there is no account to create. */
  email: string | undefined;
  /** BOOTSTRAP_ADMIN_PASSWORD; only used to create the account, never to overwrite one. */
  password: string | undefined;
  /**
   * BOOTSTRAP_ADMIN_PROMOTE_EXISTING: make an existing account of that email an admin. Off by
   * default: whoever registered the address first would become admin with their own password.
   */
  promoteExisting: boolean;
}

/**
 * Step 2: the first admin. The account BOOTSTRAP_ADMIN_EMAIL is created as an admin with
 * BOOTSTRAP_ADMIN_PASSWORD when it does not exist. An account that exists is never made an
 * admin (unless the operator opted in): the bootstrap did not create it, so someone may have
 * registered the address before the bootstrap ran. It is reported and left alone, and the step
 * fails when the installation has no enabled admin at all, pointing at `npm run admin:recover`.
 * A disabled admin stays disabled: that is an admin's decision the bootstrap never reverses.
 */
export function adminAccountStep(options: AdminAccountOptions): BootstrapStep {
  const { users, email, password } = options;
  return {
    name: 'admin-account',
    needs: ['mongodb-indexes'],
    async run(log) {
      if (!email) return { outcome: 'ok', reason: 'BOOTSTRAP_ADMIN_EMAIL is not set: no account to create' };
      try {
        let user = await users.findByEmail(email);
        if (!user) {
          if (!password) {
            return {
              outcome: 'failed',
              reason: `${email} does not exist, and BOOTSTRAP_ADMIN_PASSWORD is not set to create it`,
            };
          }
          const registration = await users.register({ email, password, role: 'admin', displayName: 'Administrator' });
          if (registration.ok) {
            log.info('admin account created', { userId: registration.user._id.toHexString() });
            return { outcome: 'changed', reason: `created the admin account ${email}` };
          }
          if (registration.reason === 'password_rejected') {
            return { outcome: 'failed', reason: `BOOTSTRAP_ADMIN_PASSWORD ${registration.detail}` };
          }
          // Registered by someone else a moment ago: an account like any other that exists.
          user = await users.findByEmail(email);
          if (!user) return { outcome: 'failed', reason: `${email} could neither be created nor found` };
        }
        if (user.role === 'admin') {
          return {
            outcome: 'ok',
            reason: user.disabled ? `${email} is an admin, but disabled (left so)` : `${email} is an admin`,
          };
        }
        const id = user._id.toHexString();
        if (options.promoteExisting) {
          await users.update(id, { role: 'admin' });
          log.warn('existing account promoted to admin (BOOTSTRAP_ADMIN_PROMOTE_EXISTING)', { userId: id });
          return {
            outcome: 'changed',
            reason: `promoted the existing account ${email} to admin, as BOOTSTRAP_ADMIN_PROMOTE_EXISTING asks (its password is kept)`,
          };
        }
        log.warn('an account with BOOTSTRAP_ADMIN_EMAIL exists that the bootstrap did not create: left alone', {
          userId: id,
        });
        const left = `${email} exists, but the bootstrap did not create it, so it is not made an admin`;
        if (await users.hasEnabledAdmin()) return { outcome: 'ok', reason: `${left} (left alone)` };
        return {
          outcome: 'failed',
          reason: `${left}, and there is no admin: run npm run admin:recover (or its Kubernetes Job) with another address`,
        };
      } catch (error) {
        log.error('looking after the admin account failed', { err: error });
        return { outcome: 'failed', reason: `MongoDB: ${describeFailure(error)}` };
      }
    },
  };
}
