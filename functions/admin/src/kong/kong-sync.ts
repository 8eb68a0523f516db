import {
  CONFIG_DIGEST_TAG_PREFIX,
  digestFromTags,
  KONG_TAG,
  type KongDeclarativeConfig,
  type KongPlugin,
} from '@zerochat/kong';
import { type KongAdmin, KongAdminError, type KongNode, segment } from './kong-admin.ts';

/** Whether Kong runs the rendered config, judged by the digest tag on each of its services. */
export interface KongSyncState {
  node: KongNode;
  /** The digest of the config zerochat would give Kong now. */
  expectedDigest: string;
  /** The digest Kong's services carry; undefined when they carry none or disagree. */
  runningDigest: string | undefined;
  inSync: boolean;
}

export function expectedDigest(config: KongDeclarativeConfig): string {
  const digest = digestFromTags(config.services?.[0]?.tags);
  if (!digest) throw new Error('the rendered Kong config carries no digest tag');
  return digest;
}

export async function kongSyncState(kong: KongAdmin, config: KongDeclarativeConfig): Promise<KongSyncState> {
  const node = await kong.node();
  const expected = expectedDigest(config);
  // Every service, not one: in DB mode the tags are written service by service, last of all.
  const digests = await Promise.all(
    (config.services ?? []).map(async (service) =>
      digestFromTags((await kong.get<{ tags?: string[] | null }>(`/services/${segment(service.name)}`))?.tags ?? []),
    ),
  );
  const runningDigest = digests.every((digest) => digest === digests[0]) ? digests[0] : undefined;
  return { node, expectedDigest: expected, runningDigest, inSync: runningDigest === expected };
}

export const isDbLess = (node: KongNode) => node.database === 'off';

/** DB-less Kong: the whole declarative config in one request, which Kong swaps in atomically. */
export async function postDeclarativeConfig(kong: KongAdmin, config: KongDeclarativeConfig): Promise<void> {
  await kong.send('POST', '/config?flatten_errors=1', config);
}

/** Kong needs a name to PUT a plugin by; the renderer names only those that need telling apart. */
function pluginInstanceName(plugin: KongPlugin, scope: string): string {
  return plugin.instance_name ?? `${scope}-${plugin.name}`;
}

interface Write {
  method: 'PUT' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
}

interface Wanted {
  writes: Write[];
  /** Per collection: the names zerochat's entities there should have (the rest is stale). */
  names: Record<'plugins' | 'routes' | 'services' | 'upstreams' | 'consumers', Set<string>>;
  targets: Map<string, Set<string>>;
  /** Last of all, so a run that stopped halfway never looks in sync. */
  digestTags: Write[];
}

function wantedEntities(config: KongDeclarativeConfig): Wanted {
  const wanted: Wanted = {
    writes: [],
    names: { plugins: new Set(), routes: new Set(), services: new Set(), upstreams: new Set(), consumers: new Set() },
    targets: new Map(),
    digestTags: [],
  };
  const put = (path: string, body: Record<string, unknown>) => wanted.writes.push({ method: 'PUT', path, body });
  const putPlugin = (base: string, plugin: KongPlugin, scope: string) => {
    const instance = pluginInstanceName(plugin, scope);
    wanted.names.plugins.add(instance);
    put(`${base}/plugins/${segment(instance)}`, { ...plugin, instance_name: instance });
  };

  for (const { targets, ...upstream } of config.upstreams ?? []) {
    wanted.names.upstreams.add(upstream.name);
    put(`/upstreams/${segment(upstream.name)}`, upstream);
    wanted.targets.set(upstream.name, new Set((targets ?? []).map((target) => target.target)));
  }
  for (const { routes, plugins, ...service } of config.services ?? []) {
    wanted.names.services.add(service.name);
    const tags = service.tags ?? [];
    put(`/services/${segment(service.name)}`, {
      ...service,
      tags: tags.filter((tag) => !tag.startsWith(CONFIG_DIGEST_TAG_PREFIX)),
    });
    for (const plugin of plugins ?? []) putPlugin(`/services/${segment(service.name)}`, plugin, service.name);
    for (const { plugins: routePlugins, ...route } of routes ?? []) {
      wanted.names.routes.add(route.name);
      put(`/services/${segment(service.name)}/routes/${segment(route.name)}`, route);
      for (const plugin of routePlugins ?? []) putPlugin(`/routes/${segment(route.name)}`, plugin, route.name);
    }
    wanted.digestTags.push({ method: 'PATCH', path: `/services/${segment(service.name)}`, body: { tags } });
  }
  for (const plugin of config.plugins ?? []) putPlugin('', plugin, KONG_TAG);
  for (const { jwt_secrets: secrets, plugins, ...consumer } of config.consumers ?? []) {
    const username = consumer.username ?? consumer.custom_id ?? '';
    wanted.names.consumers.add(username);
    put(`/consumers/${segment(username)}`, consumer);
    for (const secret of secrets ?? []) {
      put(`/consumers/${segment(username)}/jwt/${segment(secret.key ?? '')}`, { ...secret });
    }
    for (const plugin of plugins ?? []) putPlugin(`/consumers/${segment(username)}`, plugin, username);
  }
  return wanted;
}

interface Listed {
  id: string;
  name?: string;
  instance_name?: string | null;
  username?: string;
  target?: string;
  tags?: string[] | null;
}

const listedName = (entity: Listed) => entity.instance_name ?? entity.name ?? entity.username ?? entity.id;

/**
 * DB-backed Kong: every entity is written with an idempotent PUT by its name (routes and
 * plugins under their parent, so Kong links them), targets are added when missing, and
 * zerochat's entities (tagged `zerochat`) that the config no longer has are deleted. The
 * services get the config's digest tag last. Returns how many entities were written and removed.
 */
export async function putConfigByName(
  kong: KongAdmin,
  config: KongDeclarativeConfig,
): Promise<{ written: number; removed: number }> {
  const wanted = wantedEntities(config);
  let written = 0;
  for (const write of wanted.writes) {
    await kong.send(write.method, write.path, write.body);
    written++;
  }
  for (const { targets, ...upstream } of config.upstreams ?? []) {
    for (const target of targets ?? []) {
      const path = `/upstreams/${segment(upstream.name)}/targets`;
      try {
        await kong.send('POST', path, target);
      } catch (error) {
        // Targets have no name to PUT by: create, or update the one that exists (409).
        if (!(error instanceof KongAdminError && error.status === 409)) throw error;
        await kong.send('PUT', `${path}/${segment(target.target)}`, target);
      }
      written++;
    }
  }

  let removed = 0;
  const remove = async (path: string) => {
    await kong.send('DELETE', path);
    removed++;
  };
  // Children before parents: Kong refuses to delete a service that still has routes.
  for (const collection of ['plugins', 'routes', 'services'] as const) {
    for (const entity of await kong.list<Listed>(`/${collection}?tags=${KONG_TAG}`)) {
      if (!wanted.names[collection].has(listedName(entity))) await remove(`/${collection}/${entity.id}`);
    }
  }
  for (const [upstream, targets] of wanted.targets) {
    for (const target of await kong.list<Listed>(`/upstreams/${segment(upstream)}/targets`)) {
      if (target.tags?.includes(KONG_TAG) && !targets.has(target.target ?? '')) {
        await remove(`/upstreams/${segment(upstream)}/targets/${target.id}`);
      }
    }
  }
  for (const collection of ['upstreams', 'consumers'] as const) {
    for (const entity of await kong.list<Listed>(`/${collection}?tags=${KONG_TAG}`)) {
      if (!wanted.names[collection].has(listedName(entity))) await remove(`/${collection}/${entity.id}`);
    }
  }

  for (const write of wanted.digestTags) await kong.send(write.method, write.path, write.body);
  return { written, removed };
}
