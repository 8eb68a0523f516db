import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { downloadModule, ensureGoProgram } from '@zerochat/local-services';
import { stringify } from 'yaml';
import { KNATIVE_EVENTING_MODULE, KNATIVE_SERVING_MODULE } from './knative-modules.ts';
import { kubSetupPatches } from './kub-setup-patches.ts';
import { type KubernetesObject, parseObjects } from './kustomize.ts';

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

export type KnativeValidator = (objects: readonly object[]) => Promise<KnativeVerdict[]>;

/**
 * The config maps kub-setup.sh patches, each the module's default with the patch merged in, in
 * a folder of the cache named after their content.
 */
async function patchedConfigMaps(defaultDirs: readonly string[], cacheDir: string): Promise<string> {
  const defaults: ConfigMap[] = [];
  for (const dir of defaultDirs) {
    for (const file of (await readdir(dir)).filter((name) => name.endsWith('.yaml'))) {
      defaults.push(...parseObjects(await readFile(join(dir, file), 'utf8')).filter((o) => o.kind === 'ConfigMap'));
    }
  }
  // config-network is knative.dev/networking's, not in these folders; no validation reads it.
  const patched = (await kubSetupPatches()).flatMap((patch) => {
    const original = defaults.find((o) => o.metadata.namespace === patch.namespace && o.metadata.name === patch.name);
    return original ? [{ ...original, data: { ...(original.data ?? {}), ...patch.data } }] : [];
  });
  const text = patched.map((configMap) => stringify(configMap)).join('---\n');
  const folder = join(cacheDir, 'knative-configmaps', createHash('sha256').update(text).digest('hex').slice(0, 12));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'kub-setup.yaml'), text);
  return folder;
}

type ConfigMap = KubernetesObject & { data?: Record<string, string> };

/**
 * Knative's own defaulting and validation, as its admission webhooks run them on create, with
 * the config maps of Knative Serving and Eventing as kub-setup.sh leaves them (the defaults
 * from their module folders, and its patches). Built once into the cache folder from
 * tools/knative-validate.
 */
export async function knativeValidator(cacheDir: string): Promise<KnativeValidator> {
  const binary = await ensureGoProgram(
    { cacheDir, report: (line) => process.stdout.write(`[knative-validate] ${line}\n`) },
    'tools/knative-validate',
  );
  const defaults = [
    join(await downloadModule(KNATIVE_SERVING_MODULE), 'config/core/configmaps'),
    join(await downloadModule(KNATIVE_EVENTING_MODULE), 'config/core/configmaps'),
  ];
  // Read last, so they replace the defaults: the cluster as kub-setup.sh configures it.
  const configMaps = [...defaults, await patchedConfigMaps(defaults, cacheDir)];
  return async (objects) => {
    const child = run(
      binary,
      configMaps.flatMap((dir) => ['--configmaps', dir]),
      { maxBuffer: 64 << 20 },
    );
    child.child.stdin?.end(JSON.stringify(objects));
    const { stdout } = await child;
    return JSON.parse(stdout) as KnativeVerdict[];
  };
}
