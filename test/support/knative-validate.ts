import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { downloadModule, ensureGoProgram, REPO_ROOT } from '@zerochat/local-services';
import { KNATIVE_EVENTING_MODULE, KNATIVE_SERVING_MODULE } from './knative-modules.ts';

const run = promisify(execFile);

/** What Knative's own code says about one object (tools/knative-validate). */
export interface KnativeVerdict {
  apiVersion: string;
  kind: string;
  name: string;
  /** False for objects of other API groups: nothing was checked. */
  knative: boolean;
  /** Knative's validation errors: its webhook would refuse the object. */
  errors: string[];
  /** Knative's warnings: its webhook admits the object, and kubectl prints them. */
  warnings: string[];
  /** The object after Knative's SetDefaults. */
  // biome-ignore lint/suspicious/noExplicitAny: an object as Knative's Go types print it
  defaulted?: Record<string, any>;
}

/** A merge patch of one of Knative's config maps, as `kubectl patch configmap --type merge` applies it. */
export interface ConfigMapPatch {
  namespace: string;
  name: string;
  /** The patch: `{"data":{...}}`. */
  patch: string;
}

export type KnativeValidator = (
  objects: readonly object[],
  options?: { configMapPatches?: readonly ConfigMapPatch[] },
) => Promise<KnativeVerdict[]>;

/**
 * The config map patches knative/scripts/kub-setup.sh applies after installing Knative (its
 * `k patch configmap/NAME --namespace NS --type merge --patch '{...}'` lines), so objects are
 * checked against Knative as kub-setup.sh configures it.
 */
export async function kubSetupConfigMapPatches(): Promise<ConfigMapPatch[]> {
  const script = await readFile(join(REPO_ROOT, 'knative/scripts/kub-setup.sh'), 'utf8');
  const patch = /patch configmap\/([\w-]+) --namespace ([\w-]+) --type merge\s*\\?\s*--patch '([^']+)'/g;
  return [...script.matchAll(patch)].map(([, name = '', namespace = '', body = '']) => ({
    namespace,
    name,
    patch: body,
  }));
}

/**
 * Knative's own defaulting and validation, as its admission webhooks run them on create, with
 * the config maps of Knative Serving and Eventing (their defaults from the module folders, with
 * kub-setup.sh's patches unless others are given). Built once into the cache folder from
 * tools/knative-validate.
 */
export async function knativeValidator(cacheDir: string): Promise<KnativeValidator> {
  const binary = await ensureGoProgram(
    { cacheDir, report: (line) => process.stdout.write(`[knative-validate] ${line}\n`) },
    'tools/knative-validate',
  );
  const setupPatches = await kubSetupConfigMapPatches();
  const configMaps = [
    join(await downloadModule(KNATIVE_SERVING_MODULE), 'config/core/configmaps'),
    join(await downloadModule(KNATIVE_EVENTING_MODULE), 'config/core/configmaps'),
  ];
  return async (objects, { configMapPatches = setupPatches } = {}) => {
    const args = [
      ...configMaps.flatMap((dir) => ['--configmaps', dir]),
      ...configMapPatches.flatMap(({ namespace, name, patch }) => ['--patch', `${namespace}/${name}=${patch}`]),
    ];
    const child = run(binary, args, { maxBuffer: 64 << 20 });
    child.child.stdin?.end(JSON.stringify(objects));
    const { stdout } = await child;
    return JSON.parse(stdout) as KnativeVerdict[];
  };
}
