import { execFile } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, REPO_ROOT } from '@zerochat/local-services';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const scripts = async () =>
  (
    await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.sh', '.ci/run'], { cwd: REPO_ROOT })
  ).stdout
    .trim()
    .split('\n')
    .filter(Boolean);

describe('shell scripts', () => {
  it('pass shellcheck (or at least bash -n where shellcheck is missing)', async () => {
    const files = await scripts();
    expect(files.length).toBeGreaterThan(5);
    const shellcheck = await findOnPath('shellcheck');
    if (shellcheck) {
      const result = await run(shellcheck, ['--external-sources', '--source-path=SCRIPTDIR', ...files], {
        cwd: REPO_ROOT,
      }).catch((error: { stdout: string }) => error);
      expect(result.stdout).toBe('');
    } else {
      for (const file of files) await run('bash', ['-n', file], { cwd: REPO_ROOT });
    }
  });

  it.each([
    'kub-setup.sh',
    'kub-build.sh',
    'kub-deploy.sh',
    'kub-kn-apply.sh',
    'kub-status.sh',
    'kub-ports.sh',
    'kub-curl.sh',
    'kub-teardown.sh',
  ])('%s is executable, stops on the first error and says what it does', async (name) => {
    const path = join(REPO_ROOT, 'knative/scripts', name);
    await access(path, constants.X_OK);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n# ')).toBe(true);
    expect(text).toContain('\nset -euo pipefail\n');
    expect(text).toContain('source "$(dirname "$0")/lib.sh"');
  });
});
