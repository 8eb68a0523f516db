import { describeError, type ErrorWords } from '../api/problem.ts';

/** An error in words, announced to screen readers as it appears. */
export function ErrorNotice({ error, words }: { error?: unknown; words?: ErrorWords | null }) {
  const shown = words ?? (error ? describeError(error) : null);
  if (!shown) return null;
  return (
    <div class="notice error" role="alert">
      <strong>{shown.title}</strong>
      {shown.detail ? <span> {shown.detail}</span> : null}
    </div>
  );
}
