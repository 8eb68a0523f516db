import type { KongDeclarativeConfig } from '@zerochat/kong';
import type { Logger } from '@zerochat/runtime';
import type { Gateway } from '../kong/gateway-config.ts';
import { isDbLess, kongSyncState, postDeclarativeConfig, putConfigByName } from '../kong/kong-sync.ts';
import { syncStartConfig } from '../kong/start-config.ts';
import { type BootstrapStep, type StepReport, worstOutcome } from './bootstrap.ts';
import { describeFailure } from './failure.ts';

const short = (digest: string | undefined) => (digest ? `sha256 ${digest.slice(0, 12)}` : 'none');

/** The running Kong: posted or written by name, unless it runs this config already. */
async function configureKong(gateway: Gateway, config: KongDeclarativeConfig, log: Logger): Promise<StepReport> {
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
}

/** The file Kong loads when it starts, where there is one to keep: it follows the keys too. */
async function keepStartConfig(gateway: Gateway, config: KongDeclarativeConfig, log: Logger): Promise<StepReport> {
  const store = gateway.startConfig;
  if (!store) return { outcome: 'ok', reason: '' };
  try {
    return (await syncStartConfig(store, config))
      ? { outcome: 'changed', reason: `wrote this config to Kong's start-up config in ${store.where}` }
      : { outcome: 'ok', reason: `Kong's start-up config in ${store.where} holds it` };
  } catch (error) {
    log.error("keeping Kong's start-up config failed", { err: error, where: store.where });
    return { outcome: 'failed', reason: `Kong's start-up config in ${store.where}: ${describeFailure(error)}` };
  }
}

/**
 * Step 4: Kong runs zerochat's gateway config with the current signing keys. DB-less Kong
 * gets the declarative config posted to `/config`; Kong on a database gets idempotent PUTs by
 * name. Nothing is sent when the digest on Kong's services shows it runs this config already.
 * Where Kong's start-up config is kept (Kubernetes), it gets the same config, so a Kong that
 * restarts knows the current keys before any reconcile.
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
      const reports = [await configureKong(gateway, config, log), await keepStartConfig(gateway, config, log)];
      return {
        outcome: worstOutcome(reports.map((report) => report.outcome)),
        reason: reports
          .map((report) => report.reason)
          .filter(Boolean)
          .join('; '),
      };
    },
  };
}
