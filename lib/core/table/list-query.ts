/**
 * The URL state of a sortable, keyset-paginated list (shared by every portal's lists and their CSV
 * exports): `sort` and `dir` choose the order among the keys a list allows, `after` is an opaque
 * cursor (the sort value and id of the last row shown). Pure: runs on the server and in the browser.
 */

export type SortDirection = "asc" | "desc";
export type SortState<K extends string> = { key: K; dir: SortDirection };

type Params = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The sort the URL asks for, if the list allows that key; the list's default otherwise. */
export function parseSort<K extends string>(params: Params, keys: readonly K[], fallback: SortState<K>): SortState<K> {
  const key = first(params.sort);
  const dir = first(params.dir);
  const known = keys.find((k) => k === key);
  if (!known) return fallback;
  return { key: known, dir: dir === "asc" || dir === "desc" ? dir : fallback.dir };
}

/** A cursor's parts as an opaque URL-safe string (base64url of a JSON array of strings). */
export function encodeCursor(parts: readonly string[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(parts));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The parts of a cursor made by encodeCursor, or null for anything else (never throws). */
export function decodeCursor(value: string | string[] | undefined, size: number): string[] | null {
  const text = first(value);
  if (!text || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const parts: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (!Array.isArray(parts) || parts.length !== size || !parts.every((p) => typeof p === "string" && p.length <= 200)) return null;
    return parts as string[];
  } catch {
    return null;
  }
}

const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A keyset cursor (the sort key's value, the row's uuid) read back from a URL; null (the first page) when
 * it is not one, or its value does not fit the shape of the sort key it is for.
 */
export function decodeKeysetCursor(value: string | string[] | undefined, valueShape: RegExp): { value: string; id: string } | null {
  const parts = decodeCursor(value, 2);
  return parts && valueShape.test(parts[0]!) && ROW_ID.test(parts[1]!) ? { value: parts[0]!, id: parts[1]! } : null;
}

/** The sort as links carry it: nothing for the list's default sort. */
export function sortLinkParams<K extends string>(sort: SortState<K>, fallback: SortState<K>): { sort: K | undefined; dir: SortDirection | undefined } {
  const isDefault = sort.key === fallback.key && sort.dir === fallback.dir;
  return { sort: isDefault ? undefined : sort.key, dir: isDefault ? undefined : sort.dir };
}

/**
 * `?…` for the same list with some parameters changed (undefined or "" removes one). Changing the
 * sort or a filter must drop `after`: the caller passes `after: undefined`.
 */
export function listHref(params: Record<string, string | undefined>, changes: Record<string, string | undefined>, path = ""): string {
  const merged = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== "") search.set(k, v);
  const query = search.toString();
  return `${path}${query ? `?${query}` : path ? "" : "?"}`;
}
