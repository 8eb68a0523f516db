import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from './kustomize.ts';

/** The overlay each component of knative/components is rendered on top of. */
const COMPONENT_BASE = 'microk8s';

const folders = (dir: string) =>
  readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/**
 * Every way knative/ can be applied: each overlay of knative/overlays, and each component of
 * knative/components on top of the microk8s overlay (named `microk8s+<component>`). Read from
 * the folders, so a new overlay or component is covered without a test change.
 */
export function knativeVariants(): string[] {
  return [...folders('knative/overlays'), ...folders('knative/components').map((c) => `${COMPONENT_BASE}+${c}`)];
}

/** Renders every variant with kustomize v5 from a copy of knative/ with generated secrets. */
export async function renderKnativeVariants(): Promise<{
  rendered: Map<string, KubernetesObject[]>;
  cleanup: () => Promise<void>;
}> {
  const kustomize = await findKustomize();
  const copy = await knativeCopy();
  const rendered = new Map<string, KubernetesObject[]>();
  try {
    for (const variant of knativeVariants()) {
      const [overlay, component] = variant.split('+') as [string, string | undefined];
      let dir = join(copy.root, 'knative/overlays', overlay);
      if (component) {
        dir = join(copy.root, 'knative/variants', variant);
        await mkdir(dir, { recursive: true });
        await writeFile(
          join(dir, 'kustomization.yaml'),
          `resources: [../../overlays/${overlay}]\ncomponents: [../../components/${component}]\n`,
        );
      }
      rendered.set(variant, parseObjects(await kustomize(dir)));
    }
  } catch (error) {
    await copy.cleanup();
    throw error;
  }
  return { rendered, cleanup: copy.cleanup };
}
