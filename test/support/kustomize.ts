import { execFile } from 'node:child_process';
import { access, constants, cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, findOnPath, REPO_ROOT } from '@zerochat/local-services';
import { parseAllDocuments } from 'yaml';
import { writeClusterSecrets, writeKongStartConfig } from '../../knative/scripts/write-secrets.ts';

const run = promisify(execFile);

/** The kustomize built from its Go module when no kustomize v5 is at hand (Debian's kubectl 1.20 has v2). */
export const KUSTOMIZE_VERSION = 'v5.5.0';

export type Kustomize = (dir: string) => Promise<string>;

async function kustomizeMajor(command: string, args: string[]): Promise<number | undefined> {
  try {
    const { stdout } = await run(command, args);
    const match = /Kustomize Version: v(\d+)|^v?(\d+)\./m.exec(stdout);
    return Number(match?.[1] ?? match?.[2]);
  } catch {
    return undefined;
  }
}

/**
 * A kustomize v5: `kustomize` on PATH, else `kubectl kustomize`, else one built once with Go
 * into the cache folder (ZEROCHAT_CACHE_DIR). KUSTOMIZE names a binary to use instead.
 */
export async function findKustomize(): Promise<Kustomize> {
  if (process.env.KUSTOMIZE) return async (dir) => (await run(process.env.KUSTOMIZE as string, ['build', dir])).stdout;
  const standalone = await findOnPath('kustomize');
  if (standalone && (await kustomizeMajor(standalone, ['version'])) === 5) {
    return async (dir) => (await run(standalone, ['build', dir], { maxBuffer: 32 << 20 })).stdout;
  }
  const kubectl = await findOnPath('kubectl');
  if (kubectl && (await kustomizeMajor(kubectl, ['version', '--client'])) === 5) {
    return async (dir) => (await run(kubectl, ['kustomize', dir], { maxBuffer: 32 << 20 })).stdout;
  }
  const binary = join(cacheDir(), 'bin', `kustomize-${KUSTOMIZE_VERSION}`);
  try {
    await access(binary, constants.X_OK);
  } catch {
    const gobin = join(cacheDir(), 'bin', `.kustomize-${process.pid}`);
    try {
      await run('go', ['install', `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`], {
        env: { ...process.env, GOBIN: gobin, GOWORK: 'off', GOFLAGS: '-mod=mod' },
        cwd: tmpdir(),
      });
    } catch (error) {
      throw new Error(
        `no kustomize v5: install kustomize or kubectl 1.27+, or Go so kustomize ${KUSTOMIZE_VERSION} can be built (${(error as Error).message})`,
      );
    }
    await rename(join(gobin, 'kustomize'), binary);
    await rm(gobin, { recursive: true, force: true });
  }
  return async (dir) => (await run(binary, ['build', dir], { maxBuffer: 32 << 20 })).stdout;
}

/**
 * A copy of knative/ in a scratch folder, ready to render: the secret env files (per install,
 * git-ignored) are generated as `npm run kube:secrets` does, or copied from their `.example`
 * twins; Kong's start-up config is rendered from their public keys either way.
 */
export async function knativeCopy(
  secrets: 'generated' | 'examples' = 'generated',
): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'zerochat-knative-'));
  await cp(join(REPO_ROOT, 'knative'), join(root, 'knative'), {
    recursive: true,
    // A checkout's own per-install files stay out: the copy gets its own.
    filter: (source) =>
      (!/\.env$/.test(source) || source.endsWith('config.env')) && !source.endsWith('secrets/kong.yaml'),
  });
  const secretsDir = join(root, 'knative/base/secrets');
  if (secrets === 'generated') await writeClusterSecrets(secretsDir);
  else {
    for (const file of await readdir(secretsDir)) {
      if (file.endsWith('.env.example'))
        await cp(join(secretsDir, file), join(secretsDir, file.replace(/\.example$/, '')));
    }
    await writeKongStartConfig(secretsDir);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export function parseObjects(yamlText: string): KubernetesObject[] {
  return parseAllDocuments(yamlText)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

/**
 * The objects of an overlay of a fresh copy of knative/ (see knativeCopy), with components
 * added on top as a user would list them under `components:`.
 */
export async function renderOverlay(
  overlay: string,
  components: readonly string[] = [],
): Promise<{ objects: KubernetesObject[]; cleanup: () => Promise<void> }> {
  const kustomize = await findKustomize();
  const copy = await knativeCopy();
  let dir = join(copy.root, 'knative/overlays', overlay);
  if (components.length) {
    dir = join(copy.root, 'knative/overlays', `${overlay}-with-components`);
    await mkdir(dir);
    const listed = components.map((name) => `../../components/${name}`).join(', ');
    await writeFile(join(dir, 'kustomization.yaml'), `resources: [../${overlay}]\ncomponents: [${listed}]\n`);
  }
  return { objects: parseObjects(await kustomize(dir)), cleanup: copy.cleanup };
}
