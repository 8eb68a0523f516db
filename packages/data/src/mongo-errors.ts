/** MongoDB's (and FerretDB's) error code for a write a unique index refused. */
const DUPLICATE_KEY = 11000;

/** Whether a write failed because a unique index already holds its value. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
