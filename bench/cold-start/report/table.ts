import { renderTextTable } from '../../report/tables.ts';
import { FIRST_NUMBER_COLUMN, headers, rows, title } from './format.ts';
import type { ColdStartReport } from './schema.ts';

/** A plain-text table for the terminal. */
export function renderTable(report: ColdStartReport): string {
  return renderTextTable({
    title: title(report),
    header: headers(report),
    rows: rows(report),
    firstNumberColumn: FIRST_NUMBER_COLUMN,
  });
}
