// Table rendering every benchmark report shares: plain text for the terminal, Markdown for
// docs/performance.md. Columns from `firstNumberColumn` on hold numbers and align right.

export interface Table {
  title: string;
  header: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  firstNumberColumn: number;
}

export function renderTextTable(table: Table): string {
  const widths = table.header.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column >= table.firstNumberColumn ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    table.title,
    '',
    line(table.header),
    line(widths.map((width) => '-'.repeat(width))),
    ...table.rows.map(line),
    '',
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The table in bold-titled Markdown; `footer` lines follow it. */
export function renderMarkdownTable(table: Table, footer: readonly string[] = []): string {
  const align = table.header.map((_, column) => (column >= table.firstNumberColumn ? '---:' : '---'));
  return [
    `**${table.title}**`,
    '',
    `| ${table.header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    ...footer,
    ...(footer.length ? [''] : []),
  ].join('\n');
}
