import type { UserStore } from '@zerochat/accounts';
import type { BootstrapStep } from './bootstrap.ts';
import { describeFailure } from './failure.ts';

export interface AdminAccountOptions {
  users: UserStore;
  /** BOOTSTRAP_ADMIN_EMAIL; without it there is no account to look after. */
  email: string | undefined;
  /** BOOTSTRAP_ADMIN_PASSWORD; only used to create the account, never to overwrite one. */
  password: string | undefined;
}

/**
 * Step 2: the account named by BOOTSTRAP_ADMIN_EMAIL is an admin. A missing one is created
 * with BOOTSTRAP_ADMIN_PASSWORD; an existing one is promoted and keeps its password. A
 * disabled one stays disabled: disabling an account is an admin's decision the bootstrap
 * never reverses.
 */
export function adminAccountStep(options: AdminAccountOptions): BootstrapStep {
  const { users, email, password } = options;
  return {
    name: 'admin-account',
    needs: ['mongodb-indexes'],
    async run(log) {
      if (!email) return { outcome: 'ok', reason: 'BOOTSTRAP_ADMIN_EMAIL is not set: no account to look after' };
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
          // Registered by someone else a moment ago: promote that account like any existing one.
          user = await users.findByEmail(email);
          if (!user) return { outcome: 'failed', reason: `${email} could neither be created nor found` };
        }
        const id = user._id.toHexString();
        if (user.role === 'admin') {
          return {
            outcome: 'ok',
            reason: user.disabled ? `${email} is an admin, but disabled (left so)` : `${email} is an admin`,
          };
        }
        await users.update(id, { role: 'admin' });
        log.info('existing account promoted to admin', { userId: id });
        return { outcome: 'changed', reason: `promoted the existing account ${email} to admin (its password is kept)` };
      } catch (error) {
        log.error('looking after the admin account failed', { err: error });
        return { outcome: 'failed', reason: `MongoDB: ${describeFailure(error)}` };
      }
    },
  };
}
