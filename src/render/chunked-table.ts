import Table from 'cli-table3';

/**
 * Rows laid out by one cli-table3 table. Its layout compares every cell with every earlier one, so one
 * table of every row is quadratic (20,000 image rows took 55 s); tables of 50 rows with the column
 * widths fixed once cost the same per row at any size, and read as one table once their inner
 * borders are dropped.
 */
const ROWS_PER_CHUNK = 50;

/** How a table looks: its header cells, fixed column widths (padding included) and cli-table3 style. */
export interface ChunkedTableLayout {
  head: string[];
  colWidths: number[];
  style: { head: string[]; border: string[] };
}

/** Returns the lines of one table of `rows`, drawn 50 rows at a time; `cells` makes a row's cells when it is drawn. */
export function drawChunkedTable<T>(layout: ChunkedTableLayout, rows: readonly T[], cells: (row: T) => string[]): string[] {
  const lines: string[] = [];
  const chunks = Math.ceil(rows.length / ROWS_PER_CHUNK);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const first = chunk === 0;
    const last = chunk === chunks - 1;
    // Compact: no separator line between rows, only under the header.
    const table = new Table({ ...(first ? { head: layout.head } : {}), colWidths: layout.colWidths, style: { ...layout.style, compact: true } });
    for (const row of rows.slice(chunk * ROWS_PER_CHUNK, (chunk + 1) * ROWS_PER_CHUNK)) table.push(cells(row));
    const drawn = table.toString().split('\n');
    // Inner chunks lose the borders that would close and reopen the table between them; a loop, not
    // push(...), since lines are many.
    for (let index = first ? 0 : 1; index < (last ? drawn.length : drawn.length - 1); index += 1) lines.push(drawn[index]!);
  }
  return lines;
}
