import { ensureControlPlane, ensureGoProgram } from '@zerochat/local-services';
import { findKustomize } from './kustomize.ts';

/**
 * The Go programs test files check with (etcd and kube-apiserver, Knative's validation,
 * compose-go's loader, kustomize), built once into the cache folder at the start of a run,
 * beside FerretDB and Ollama: Ollama's C++ build leaves a core idle for minutes, and a file
 * that built one of these itself would hold a test worker meanwhile.
 */
export async function prebuildTools(cacheDir: string, report: (line: string) => void): Promise<void> {
  const options = { cacheDir, report };
  await Promise.all([
    ensureControlPlane(options),
    ensureGoProgram(options, 'tools/knative-validate'),
    ensureGoProgram(options, 'tools/compose-config'),
    findKustomize(),
  ]);
}
