/**
 * A plain-text table: columns padded to their widest cell, numbers right-aligned.
 * Hand-written (a dozen lines) rather than a dependency: the bench prints a handful of small tables.
 *
 * @example
 * console.log(formatTable(['size', 'events/s'], [[1, 41.2], [10, 380]]));
 */
export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const cells = [headers.map(String), ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => [...(row[column] ?? '')].length)));
  const numeric = headers.map((_, column) => rows.every((row) => typeof row[column] === 'number'));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat(widths[column]! - [...cell].length);
        return numeric[column] ? pad + cell : cell + pad;
      })
      .join('  ');
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** `✓` or `✗`. */
export const mark = (ok: boolean): string => (ok ? '✓' : '✗');
