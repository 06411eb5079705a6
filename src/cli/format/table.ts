export type Align = 'left' | 'right';

/**
 * Lays out rows under headers in space-padded columns; returns lines (header first) so callers can put detail lines
 * under a row. The last column is not padded, so lines carry no trailing blanks.
 */
export function renderTable(headers: string[], rows: string[][], align: Align[] = []): string[] {
  const widths = headers.map((header, column) =>
    Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    headers
      .map((_, column) => {
        const cell = cells[column] ?? '';
        const last = column === headers.length - 1;
        const pad = ' '.repeat((widths[column] ?? 0) - displayWidth(cell));
        if (align[column] === 'right') return pad + cell;
        return last ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** Code points, not UTF-16 units, so marks like ✔ count as one column. */
function displayWidth(text: string): number {
  return [...text].length;
}
