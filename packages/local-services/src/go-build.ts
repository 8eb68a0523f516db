import { execFile } from 'node:child_process';
import { access, chmod, constants, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';
/** The newest Ollama release whose CPU build is plain cgo (later ones need CMake and downloads). */
export const OLLAMA_VERSION = 'v0.24.0';
/** Its module zip leaves out llama.cpp's vendor/ folder; this module carries the same miniaudio.h. */
const MINIAUDIO_MODULE = 'github.com/gen2brain/malgo@v0.11.24';

export interface BuildOptions {
  cacheDir: string;
  report: (line: string) => void;
}

export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

export const isExecutable = (path: string) => exists(path, constants.X_OK);

export async function go(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await run('go', args, {
      cwd: options.cwd,
      env: { ...process.env, GOWORK: 'off', ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingToolError(
        'Go is not installed: set MONGODB_URI and OLLAMA_HOST to running servers, or install Go 1.24+ so FerretDB and Ollama can be built.',
      );
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`go ${args.join(' ')} failed:\n${stderr.slice(-4000)}`, { cause: error });
  }
}

/** The folder of a Go module in Go's module cache (downloaded first if need be). */
export async function downloadModule(module: string): Promise<string> {
  const { Dir } = JSON.parse(await go(['mod', 'download', '-json', module])) as { Dir: string };
  return Dir;
}

/** Copies a module out of Go's read-only module cache so files can be added to it. */
async function writableCopy(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  await run('chmod', ['-R', 'u+w', to]);
}

/**
 * Two small changes to FerretDB 1.24's SQLite backend, so that a document named by its `_id`
 * is found through the table's `_id` index rather than by reading the whole table: a few
 * milliseconds per thousand documents, on every message a reply reads or writes.
 */
const FERRETDB_PATCHES = [
  {
    // It finds a document by `_id` with `_ferretdb_sjson->'$._id'`, while the unique `_id`
    // index it creates on every table is on `_ferretdb_sjson->"_id"`. SQLite uses an expression
    // index only for the same expression; `->'_id'` is the same path (SQLite reads a bare label
    // X as `$.X`) in the index's form, so the index serves tables old and new.
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
    times: 1,
  },
  {
    // It hands SQLite an `_id` only when the filter is that alone (`{_id}`); a filter with more
    // (`{_id, status: 'pending'}`: every save of a reply's progress) read every document in Go.
    // The handler tests each document the backend returns against the whole filter anyway, so
    // narrowing the query to the one `_id` first changes nothing but the work. Twice: in the
    // query, and in the plan `explain` shows.
    file: 'internal/backends/sqlite/collection.go',
    from: `if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")`,
    to: `if params.Filter.Len() >= 1 {
		v, _ := params.Filter.Get("_id")`,
    times: 2,
  },
];

/** The patches applied to a writable copy of FerretDB's module; throws when a line one changes is not there as often. */
async function patchFerretDb(source: string): Promise<void> {
  for (const { file, from, to, times } of FERRETDB_PATCHES) {
    const path = join(source, file);
    const text = await readFile(path, 'utf8');
    const found = text.split(from).length - 1;
    if (found !== times) {
      throw new Error(`FerretDB ${FERRETDB_VERSION}: ${file} has \`${from}\` ${found} times, not ${times}`);
    }
    await writeFile(path, text.replaceAll(from, to));
  }
}

/** FerretDB's binary, built once with its SQLite backend from the Go module, patched to find documents by `_id` on its index. */
export async function ensureFerretDb({ cacheDir, report }: BuildOptions): Promise<string> {
  // The name says the build is patched, so that a cache holding an unpatched one builds anew.
  const binary = join(cacheDir, 'bin', `ferretdb-${FERRETDB_VERSION}-id-pushdown`);
  if (await isExecutable(binary)) return binary;
  report(`building FerretDB ${FERRETDB_VERSION} from its Go module (once, cached in ${cacheDir}) ...`);
  const source = join(cacheDir, 'src', `ferretdb-${FERRETDB_VERSION}`);
  await writableCopy(await downloadModule(`github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`), source);
  // The module zip lacks this generated file; without it the binary refuses to start.
  await writeFile(join(source, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
  await patchFerretDb(source);
  const partial = `${binary}.${process.pid}.partial`;
  await go(['build', '-o', partial, './cmd/ferretdb'], { cwd: source });
  await rename(partial, binary);
  await rm(source, { recursive: true, force: true });
  return binary;
}

/** Headers llama.cpp includes from its vendor/ folder, which Go module zips never contain. */
const SYSTEM_HEADERS = ['/usr/include/nlohmann/json.hpp', '/usr/include/stb/stb_image.h'];

/** Ollama's binary, built once for the CPU with cgo from the Go module. */
export async function ensureOllama({ cacheDir, report }: BuildOptions): Promise<string> {
  const binary = join(cacheDir, 'bin', `ollama-${OLLAMA_VERSION}`);
  if (await isExecutable(binary)) return binary;
  for (const header of SYSTEM_HEADERS) {
    if (!(await exists(header))) {
      throw new MissingToolError(
        `building Ollama needs ${header}: apt-get install nlohmann-json3-dev libstb-dev (or set OLLAMA_HOST)`,
      );
    }
  }
  report(
    `building Ollama ${OLLAMA_VERSION} from its Go module for the CPU (once, a few minutes; cached in ${cacheDir}) ...`,
  );
  const include = join(cacheDir, 'src', 'ollama-include');
  await mkdir(join(include, 'miniaudio'), { recursive: true });
  await cp(join(await downloadModule(MINIAUDIO_MODULE), 'miniaudio.h'), join(include, 'miniaudio', 'miniaudio.h'));
  await chmod(join(include, 'miniaudio', 'miniaudio.h'), 0o644);
  const gobin = join(cacheDir, 'bin', `.ollama-${process.pid}`);
  await go(
    [
      'install',
      `-ldflags=-X=github.com/ollama/ollama/version.Version=${OLLAMA_VERSION.slice(1)}`,
      `github.com/ollama/ollama@${OLLAMA_VERSION}`,
    ],
    // Go's default C flags are `-g -O2`: debug info for llama.cpp's C++ lengthens the longest
    // build of a fresh checkout, and nothing reads it.
    { env: { CGO_ENABLED: '1', CGO_CPPFLAGS: `-I${include}`, CGO_CFLAGS: '-O2', CGO_CXXFLAGS: '-O2', GOBIN: gobin } },
  );
  await rename(join(gobin, 'ollama'), binary);
  await rm(gobin, { recursive: true, force: true });
  return binary;
}
