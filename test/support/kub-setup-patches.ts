import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';

/** A change knative/scripts/kub-setup.sh makes to one of Knative's config maps. */
export interface ConfigMapPatch {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

/**
 * The config-map patches of kub-setup.sh (`k patch configmap/<name> --namespace <ns> --type
 * merge --patch '<json>'`), read from the script itself, so tests configure Knative as the
 * script does.
 */
export async function kubSetupPatches(): Promise<ConfigMapPatch[]> {
  const script = await readFile(join(REPO_ROOT, 'knative/scripts/kub-setup.sh'), 'utf8');
  const patches = script.matchAll(
    /patch configmap\/([a-z0-9-]+) --namespace ([a-z0-9-]+) --type merge\s*\\?\s*--patch '([^']+)'/g,
  );
  return [...patches].map(([, name = '', namespace = '', patch = '{}']) => ({
    namespace,
    name,
    data: (JSON.parse(patch) as { data: Record<string, string> }).data,
  }));
}
