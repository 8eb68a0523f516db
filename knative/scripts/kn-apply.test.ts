import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@zerochat/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knServiceFromArgs, shellWords } from '../../test/support/kn-service.ts';
import { findKustomize, type KubernetesObject, knativeCopy, parseObjects } from '../../test/support/kustomize.ts';

// kub-kn-apply.sh must deploy each function exactly as knative/base/functions/<fn>.yaml does:
// its printed kn commands are turned back into the Service that kn would apply and compared
// with the Service the microk8s overlay renders.

const run = promisify(execFile);
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Json = Record<string, any>;
let services: KubernetesObject[] = [];
let cleanup = async () => {};

beforeAll(async () => {
  const copy = await knativeCopy();
  cleanup = copy.cleanup;
  const kustomize = await findKustomize();
  services = parseObjects(await kustomize(join(copy.root, 'knative/overlays/microk8s'))).filter(
    (object) => object.apiVersion === 'serving.knative.dev/v1',
  );
}, 300_000);
afterAll(() => cleanup());

async function printedCommands(...functions: string[]): Promise<string[][]> {
  const { stdout } = await run(
    'bash',
    [join(REPO_ROOT, 'knative/scripts/kub-kn-apply.sh'), '--dry-run', ...functions],
    {
      // No image digests from a local build: the :latest tags, as the overlay has them.
      env: { ...process.env, ZEROCHAT_IMAGES_FILE: '/nonexistent', KUBECTL: 'false' },
    },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => shellWords(line));
}

/** The YAML's Service with the two settings kn has no flag for taken out (checked separately). */
function withoutFieldsKnCannotSet(service: KubernetesObject) {
  const copy = structuredClone(service) as Json;
  const spec = copy.spec.template.spec;
  const removed = {
    enableServiceLinks: spec.enableServiceLinks,
    responseStartTimeoutSeconds: spec.responseStartTimeoutSeconds,
  };
  delete spec.enableServiceLinks;
  delete spec.responseStartTimeoutSeconds;
  return { service: copy, removed, timeoutSeconds: spec.timeoutSeconds as number };
}

describe('kub-kn-apply.sh', () => {
  it('applies auth, chat, admin and web by default, one kn service apply each', async () => {
    const commands = await printedCommands();
    expect(commands.map((words) => words.slice(0, 4))).toEqual([
      ['kn', 'service', 'apply', 'auth'],
      ['kn', 'service', 'apply', 'chat'],
      ['kn', 'service', 'apply', 'admin'],
      ['kn', 'service', 'apply', 'web'],
    ]);
  });

  it.each(['auth', 'chat', 'admin', 'web'])('passes exactly the settings of the %s YAML', async (fn) => {
    const [words = []] = await printedCommands(fn);
    const fromKn = knServiceFromArgs(words.slice(1));
    const yaml = services.find((service) => service.metadata.name === fn);
    if (!yaml) throw new Error(`no Knative service ${fn} rendered`);
    const { service, removed, timeoutSeconds } = withoutFieldsKnCannotSet(yaml);
    expect(fromKn).toEqual(service);
    // What Knative's defaulting gives a kn-made revision (config-defaults as installed).
    expect(removed.enableServiceLinks).toBe(false);
    expect(removed.responseStartTimeoutSeconds).toBe(timeoutSeconds > 300 ? 300 : undefined);
  });

  it('deploys the digests that kub-build.sh recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zerochat-images-'));
    const digest = `localhost:32000/zerochat/chat@sha256:${'a'.repeat(64)}`;
    await writeFile(join(dir, 'images.env'), `chat=${digest}\n`);
    const { stdout } = await run(
      'bash',
      [join(REPO_ROOT, 'knative/scripts/kub-kn-apply.sh'), '--dry-run', 'chat', 'auth'],
      {
        env: { ...process.env, ZEROCHAT_IMAGES_FILE: join(dir, 'images.env') },
      },
    );
    const images = stdout
      .trim()
      .split('\n')
      .map((line) => shellWords(line))
      .map((words) => words[words.indexOf('--image') + 1]);
    expect(images).toEqual([digest, 'localhost:32000/zerochat/auth:latest']);
  });

  it('stops with one clear line on an unknown function', async () => {
    const failure = await run('bash', [join(REPO_ROOT, 'knative/scripts/kub-kn-apply.sh'), '--dry-run', 'nope']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failure ? failure.code : 0).toBe(1);
    expect(failure.stderr.trim()).toBe("kub-kn-apply.sh: unknown function 'nope' (one of: auth chat admin web)");
  });
});
