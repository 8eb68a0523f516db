import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KNATIVE_NAMESPACE } from '@zerochat/kong';
import { REPO_ROOT } from '@zerochat/local-services';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import adminPackage from '../../functions/admin/package.json' with { type: 'json' };
import { schemaErrors, unknownFields } from '../../test/support/kubernetes-schemas.ts';
import type { KubernetesObject } from '../../test/support/kustomize.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field below
type Json = Record<string, any>;

const job = async () =>
  parse(await readFile(join(REPO_ROOT, 'knative/jobs/admin-recover.yaml'), 'utf8')) as KubernetesObject & Json;

describe('the admin recovery Job', () => {
  it('is a valid Job with no field its schema does not know', async () => {
    const object = await job();
    expect(await schemaErrors(object)).toEqual([]);
    expect(unknownFields(object)).toEqual([]);
  });

  it('runs the recovery command the admin image bundles, against the install’s MongoDB', async () => {
    const object = await job();
    expect(object.metadata.namespace).toBe(KNATIVE_NAMESPACE);
    const [container] = object.spec.template.spec.containers;
    // Each "bin" of the admin package becomes dist/<file name>.js in the image.
    const bundled = Object.values(adminPackage.bin).map(
      (path) => `${path.replace(/^.*\//, '').replace(/\.ts$/, '')}.js`,
    );
    expect(bundled).toContain(container.args[0]);
    expect(container.args[0]).toBe('admin-recover.js');
    expect(container.args.slice(1)).toEqual(['--email', 'ops@example.com']);
    expect(container.env.map((variable: Json) => variable.name).sort()).toEqual(['MONGODB_DB', 'MONGODB_URI']);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    // The log holds a temporary password: the Job goes away soon after.
    expect(object.spec.ttlSecondsAfterFinished).toBeLessThanOrEqual(600);
    expect(object.spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});
