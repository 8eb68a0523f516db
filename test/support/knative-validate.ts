import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { downloadModule, ensureGoProgram } from '@zerochat/local-services';
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

export type KnativeValidator = (objects: readonly object[]) => Promise<KnativeVerdict[]>;

/**
 * Knative's own defaulting and validation, as its admission webhooks run them on create, with
 * the default config maps of Knative Serving and Eventing (from their module folders). Built
 * once into the cache folder from tools/knative-validate.
 */
export async function knativeValidator(cacheDir: string): Promise<KnativeValidator> {
  const binary = await ensureGoProgram(
    { cacheDir, report: (line) => process.stdout.write(`[knative-validate] ${line}\n`) },
    'tools/knative-validate',
  );
  const configMaps = [
    join(await downloadModule(KNATIVE_SERVING_MODULE), 'config/core/configmaps'),
    join(await downloadModule(KNATIVE_EVENTING_MODULE), 'config/core/configmaps'),
  ];
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
