import "server-only";

/**
 * CSV exports of the portals' lists (RFC 4180), streamed: a header row, then one line per row as the
 * rows arrive (a list of 100,000 cards is never held in memory). Every export is a route handler
 * that checks role and tenant itself before calling `csvResponse`.
 */

/** Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ and tab/CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: text starting like a formula is prefixed with `'` (shown as text, not run); a cell with a
 * comma, quote or line break is quoted. Numbers stay numbers (a negative amount is not a formula).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number" || typeof value === "bigint") text = value.toString();
  else if (typeof value === "boolean") text = value ? "true" : "false";
  else if (value instanceof Date) text = value.toISOString();
  else {
    text = typeof value === "string" ? value : JSON.stringify(value);
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** Every row of a keyset-paginated list, page after page, until the list says there is no next page. */
export async function* everyRow<Row, Cursor>(page: (after: Cursor | null) => Promise<{ rows: Row[]; next: Cursor | null }>): AsyncGenerator<Row> {
  let after: Cursor | null = null;
  do {
    const result: { rows: Row[]; next: Cursor | null } = await page(after);
    yield* result.rows;
    after = result.next;
  } while (after !== null);
}

/** A safe file name for Content-Disposition: letters, digits, dot, dash, underscore. */
function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * A streamed CSV download: UTF-8 with a byte-order mark (spreadsheets then read Japanese names
 * right), the header row first, then `toCells(row)` for each row, pulled as the client reads.
 */
export function csvResponse<Row>(name: string, header: readonly string[], rows: AsyncIterable<Row>, toCells: (row: Row) => readonly unknown[]): Response {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
    },
    async pull(controller) {
      // A batch of lines per pull: one chunk per row would be thousands of tiny writes.
      let chunk = "";
      for (let i = 0; i < 200; i++) {
        const { value, done } = await iterator.next();
        if (done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvLine(toCells(value));
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName(name)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
