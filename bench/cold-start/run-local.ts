import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, provideServices, REPO_ROOT } from '@zerochat/local-services';
import { prepareFixtures } from './fixtures.ts';
import { measureLocally } from './local-target.ts';
import type { MeasuredSubject } from './report/build-report.ts';
import { besideComparison, functionSubjects } from './subjects/function-subjects.ts';
import { floorSubject, LEAST_FUNCTION_DIR, leastFunctionSubject, peerSubject } from './subjects/reference-subjects.ts';

const run = promisify(execFile);

/** Bundles the function in `dir` into `outdir`, as `npm run build` does; resolves its entry. */
async function buildBundle(dir: string, outdir: string): Promise<string> {
  await run(process.execPath, [join(REPO_ROOT, 'tools/bundle-function.ts'), dir, outdir]);
  return join(outdir, 'server.js');
}

/** Builds the production bundles of `functions` into `outdir`, as `npm run build` does. */
export async function buildBundles(functions: readonly string[], outdir: string): Promise<Record<string, string>> {
  const bundles: Record<string, string> = {};
  for (const name of functions)
    bundles[name] = await buildBundle(join(REPO_ROOT, 'functions', name), join(outdir, name));
  return bundles;
}

/** The bundles of `functions` in `dir`, as buildBundles writes them there; throws if one is missing. */
async function bundlesIn(dir: string, functions: readonly string[]): Promise<Record<string, string>> {
  const bundles: Record<string, string> = {};
  for (const name of functions) {
    bundles[name] = join(dir, name, 'server.js');
    await access(bundles[name]).catch(() => {
      throw new Error(
        `--compare: no bundle at ${bundles[name]} (node tools/bundle-function.ts functions/${name} ${join(dir, name)})`,
      );
    });
  }
  return bundles;
}

/** The local target: real services, production bundles, the floor, the peer and the least function. */
export async function runLocalBenchmark(options: {
  runs: number;
  functions: readonly string[];
  idleMs?: number;
  /** Another build's bundles, `<dir>/<function>/server.js`, measured beside this build's. */
  compareDir?: string;
  progress: (line: string) => void;
}): Promise<{ floor: MeasuredSubject; subjects: MeasuredSubject[] }> {
  const compareBundles = options.compareDir ? await bundlesIn(options.compareDir, options.functions) : undefined;
  const scratch = await mkdtemp(join(tmpdir(), 'zerochat-bench-'));
  const services = await provideServices({
    env: process.env,
    cacheDir: cacheDir(),
    dataDir: scratch,
    report: options.progress,
  });
  try {
    const fixtures = await prepareFixtures(services.mongoUri, `bench_${Date.now()}`);
    const bundles = await buildBundles(options.functions, join(scratch, 'bundles'));
    const least = await buildBundle(LEAST_FUNCTION_DIR, join(scratch, 'bundles', 'least-function'));
    options.progress(`bundles built; measuring ${options.runs} cold starts per subject`);
    return await measureLocally({
      runs: options.runs,
      idleMs: options.idleMs ?? 0,
      floor: floorSubject(),
      subjects: [
        peerSubject({
          env: fixtures.env,
          token: fixtures.user.token,
          userId: fixtures.user.id,
        }),
        leastFunctionSubject(least, fixtures),
        ...besideComparison(
          functionSubjects(options.functions, bundles, fixtures, services),
          compareBundles ? functionSubjects(options.functions, compareBundles, fixtures, services) : [],
        ),
      ],
      progress: options.progress,
    });
  } finally {
    await services.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
