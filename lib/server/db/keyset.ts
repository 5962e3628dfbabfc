import type { SortDirection } from "@/lib/core/table/list-query";

/**
 * Keyset pagination for Prisma queries: the rows after a cursor (the sort value and id of the last
 * row shown) in the order `[field dir, id dir]`, so a page costs the same on page 1 and page 1,000
 * (no OFFSET). The sort field plus the id is unique, so no row is skipped or shown twice when rows
 * share a sort value.
 */
export function keysetWhere(field: string, dir: SortDirection, after: { value: string | Date; id: string } | null) {
  if (!after) return {};
  const op = dir === "desc" ? "lt" : "gt";
  return { OR: [{ [field]: { [op]: after.value } }, { [field]: after.value, id: { [op]: after.id } }] } as Record<string, unknown>;
}

export function keysetOrder(field: string, dir: SortDirection) {
  return [{ [field]: dir }, { id: dir }] as Record<string, SortDirection>[];
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
