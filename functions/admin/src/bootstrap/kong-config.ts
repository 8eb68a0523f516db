import type { KongDeclarativeConfig } from '@zerochat/kong';
import type { Gateway } from '../kong/gateway-config.ts';
import { isDbLess, kongSyncState, postDeclarativeConfig, putConfigByName } from '../kong/kong-sync.ts';
import type { BootstrapStep } from './bootstrap.ts';
import { describeFailure } from './failure.ts';

const short = (digest: string | undefined) => (digest ? `sha256 ${digest.slice(0, 12)}` : 'none');

/**
 * Step 4: Kong runs zerochat's gateway config with the current signing keys. DB-less Kong
 * gets the declarative config posted to `/config`; Kong on a database gets idempotent PUTs by
 * name. Nothing is sent when the digest on Kong's services shows it runs this config already.
 */
export function kongConfigStep(gateway: Gateway | undefined): BootstrapStep {
  return {
    name: 'kong-config',
    async run(log) {
      if (!gateway) return { outcome: 'ok', reason: 'KONG_ADMIN_URL is not set: no gateway to configure' };
      let config: KongDeclarativeConfig;
      try {
        config = await gateway.render();
      } catch (error) {
        log.error('rendering the Kong config failed', { err: error });
        return { outcome: 'failed', reason: `rendering the gateway config: ${describeFailure(error)}` };
      }
      const kong = gateway.admin;
      try {
        const state = await kongSyncState(kong, config);
        const mode = isDbLess(state.node) ? 'DB-less' : `on ${state.node.database}`;
        const count = config.consumers?.length ?? 0;
        const keys = `${count} signing key${count === 1 ? '' : 's'}`;
        if (state.inSync) {
          return {
            outcome: 'ok',
            reason: `Kong ${state.node.version} (${mode}) runs this config (${short(state.expectedDigest)})`,
          };
        }
        log.info('Kong runs another config', { running: state.runningDigest, expected: state.expectedDigest, mode });
        if (isDbLess(state.node)) {
          await postDeclarativeConfig(kong, config);
          return {
            outcome: 'changed',
            reason: `posted the config (${short(state.expectedDigest)}, ${keys}) to Kong ${state.node.version} (${mode}); it ran ${short(state.runningDigest)}`,
          };
        }
        const { written, removed } = await putConfigByName(kong, config);
        return {
          outcome: 'changed',
          reason: `wrote ${written} entities by name (${short(state.expectedDigest)}, ${keys}) and removed ${removed} stale ones in Kong ${state.node.version} (${mode})`,
        };
      } catch (error) {
        log.error('configuring Kong failed', { err: error, kong: kong.url });
        return { outcome: 'failed', reason: `Kong at ${kong.url}: ${describeFailure(error)}` };
      }
    },
  };
}
