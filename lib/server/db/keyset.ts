import type { SortDirection } from "@/lib/core/table/list-query";

/**
 * Keyset pagination for Prisma queries: the rows after a cursor (the sort value and id of the last
 * row shown) in the order `[field dir, id dir]`, so a page costs the same on page 1 and page 1,000
 * (no OFFSET). The sort field plus the id is unique, so no row is skipped or shown twice when rows
 * share a sort value. A field unique on its own (within the rows the query scopes to) needs no id
 * after it (`unique`): its index alone then backs the order, as the card list's unique keys do.
 */
export function keysetWhere(
  field: string,
  dir: SortDirection,
  after: { value: string | number | Date; id: string } | null,
  options: { unique?: boolean } = {},
) {
  if (!after) return {};
  const op = dir === "desc" ? "lt" : "gt";
  if (options.unique) return { [field]: { [op]: after.value } } as Record<string, unknown>;
  // The OR alone is a filter PostgreSQL applies row by row from the start of the index; the redundant
  // bound on the sort column is an index condition, so the scan starts at the cursor.
  const bound = dir === "desc" ? "lte" : "gte";
  return { [field]: { [bound]: after.value }, OR: [{ [field]: { [op]: after.value } }, { [field]: after.value, id: { [op]: after.id } }] } as Record<
    string,
    unknown
  >;
}

export function keysetOrder(field: string, dir: SortDirection, options: { unique?: boolean } = {}) {
  return (options.unique ? [{ [field]: dir }] : [{ [field]: dir }, { id: dir }]) as Record<string, SortDirection>[];
}

/** The first `take` rows and the cursor of the next page (null on the last), from `take + 1` fetched. */
export function keysetPage<Row extends { id: string }>(
  rows: Row[],
  take: number,
  valueOf: (row: Row) => string,
): { rows: Row[]; next: { value: string; id: string } | null } {
  const shown = rows.slice(0, take);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > take && last ? { value: valueOf(last), id: last.id } : null };
}
