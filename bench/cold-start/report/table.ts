import { FIRST_NUMBER_COLUMN, headers, rows, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

/** A plain-text table for the terminal. */
export function renderTable(report: ColdStartReport): string {
  const body = rows(report);
  const header = headers(report);
  const widths = header.map((header, column) =>
    Math.max(header.length, ...body.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column >= FIRST_NUMBER_COLUMN ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [title(report), '', line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line), ''].join(
    '\n',
  );
}
